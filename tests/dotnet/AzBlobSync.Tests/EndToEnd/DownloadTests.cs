using System.Text;
using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>Container to folder through the .NET layer and the real engine; the oracle puts the blobs, the test reads the files.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DownloadTests(AzuriteFixture azurite) : IDisposable
{
    private const string Prefix = "exports/2026 01";

    private readonly string scratch = Directory.CreateTempSubdirectory("azbs-dl-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private SyncOptions Download(string sourceUrl, string destination) => new()
    {
        Direction = SyncDirection.Download,
        Source = sourceUrl,
        Destination = destination,
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    /// <summary>The SAS URL with a prefix put between the container and the query.</summary>
    private static string WithPrefix(string sasUrl, string prefix)
    {
        int query = sasUrl.IndexOf('?');
        string escaped = string.Join('/', prefix.Split('/').Select(Uri.EscapeDataString));
        return $"{sasUrl[..query]}/{escaped}{sasUrl[query..]}";
    }

    [Fact]
    public void Downloads_a_prefix_byte_for_byte_through_a_sas_then_downloads_nothing_the_second_time()
    {
        string container = azurite.NewContainer("download");
        var random = new Random(7);
        byte[] RandomBytes(int n) { var b = new byte[n]; random.NextBytes(b); return b; }
        var seeded = Seed.Blobs(azurite.Oracle, container, new Dictionary<string, byte[]>
        {
            [$"{Prefix}/a.txt"] = Encoding.UTF8.GetBytes("alpha"),
            [$"{Prefix}/empty file.bin"] = [],
            [$"{Prefix}/ünïcödé/café #1 100%.md"] = Encoding.UTF8.GetBytes("accents, hash, percent"),
            [$"{Prefix}/deep/er/emoji 🎉 文件.bin"] = RandomBytes(300_000),
            [$"{Prefix}/plus+and&amp.csv"] = RandomBytes(1234),
            ["outside the prefix.txt"] = Encoding.UTF8.GetBytes("must not come down"),
        });
        string sas = azurite.Oracle.SasUrl(container, "rl");
        string signature = sas[(sas.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0];
        string destination = Path.Combine(scratch, "not yet", "restore"); // created by the engine
        var options = Download(WithPrefix(sas, Prefix), destination) with { AccountKey = null };

        var first = new RecordingHost();
        JobSummary summary = new SyncCommand(first).Run(options)!;

        Assert.Empty(first.Errors);
        Assert.Equal((JobStatus.Completed, 5L, 0L), (summary.Status, summary.FilesTransferred, summary.FilesFailed));
        var expected = seeded.Where(kv => kv.Key.StartsWith(Prefix + "/", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(Prefix.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);
        // Exactly the blobs under the prefix, byte for byte, and no temporary file left behind.
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), Seed.LocalFiles(destination).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.All(first.Results, r =>
        {
            Assert.Equal((TransferAction.Download, TransferStatus.Success, "missing"), (r.Action, r.Status, r.Reason));
            Assert.Equal($"{Prefix}/{r.Path}", r.Blob);
        });
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), first.Results.Select(r => r.Path).Order(StringComparer.Ordinal));
        // The confirmation names the local folder; nothing shown anywhere carries the signature.
        Assert.Equal(destination, first.ShouldProcessCalls.Single().Target);
        string everythingShown = string.Join('\n', first.Verbose.Concat(first.Warnings).Concat(first.ShouldProcessCalls.Select(c => c.Target + c.Action)));
        Assert.DoesNotContain(signature, everythingShown);
        Assert.DoesNotContain(Uri.UnescapeDataString(signature), everythingShown);
        Assert.Contains("sig=REDACTED", everythingShown);
        Assert.Single(first.CallingThreads);

        var second = new RecordingHost();
        JobSummary rerun = new SyncCommand(second).Run(options)!;
        Assert.Equal((JobStatus.Completed, 0L, 5L, 0L), (rerun.Status, rerun.FilesTransferred, rerun.FilesSkipped, rerun.BytesTransferred));
        Assert.Empty(second.Results);
    }

    [Fact]
    public void A_blob_failing_its_md5_check_fails_alone_and_is_not_kept()
    {
        string container = azurite.NewContainer("md5-fail");
        Seed.Blobs(azurite.Oracle, container, ("good.txt", "fine"));
        PutClaimingWrongMd5(container, "liar.bin", "these bytes do not hash to the claimed MD5");
        string destination = Path.Combine(scratch, "fail");
        var host = new RecordingHost();

        JobSummary summary = new SyncCommand(host).Run(Download(azurite.ContainerUrl(container), destination))!;

        var error = Assert.Single(host.Errors);
        Assert.Equal("AzBlobSync.Md5Mismatch", error.ErrorId);
        Assert.Equal(AzBlobSync.Errors.CommandErrorCategory.InvalidResult, error.Category);
        Assert.StartsWith("'liar.bin' was not downloaded:", error.Message);
        Assert.Equal((JobStatus.CompletedWithErrors, 1L, 1L), (summary.Status, summary.FilesTransferred, summary.FilesFailed));
        // Not kept, and no temporary file left: only the good one is there.
        Assert.Equal(["good.txt"], Seed.LocalFiles(destination).Keys);
    }

    [Fact]
    public void LogOnly_keeps_a_mismatching_blob_and_writes_a_warning()
    {
        string container = azurite.NewContainer("md5-log");
        const string Content = "kept despite the wrong MD5";
        PutClaimingWrongMd5(container, "liar.bin", Content);
        string destination = Path.Combine(scratch, "log");
        var host = new RecordingHost();

        JobSummary summary = new SyncCommand(host).Run(Download(azurite.ContainerUrl(container), destination) with { CheckMd5 = CheckMd5Mode.LogOnly })!;

        Assert.Empty(host.Errors);
        var warning = Assert.Single(host.Warnings);
        Assert.StartsWith("'liar.bin': MD5 mismatch", warning);
        var result = Assert.Single(host.Results);
        Assert.Equal((TransferStatus.Success, warning["'liar.bin': ".Length..]), (result.Status, result.Warning));
        Assert.Equal((JobStatus.Completed, 1L), (summary.Status, summary.FilesTransferred));
        Assert.Equal(Content, File.ReadAllText(Path.Combine(destination, "liar.bin")));
    }

    [Fact]
    public void A_download_from_a_container_that_does_not_exist_fails_the_job()
    {
        var error = Assert.Throws<AzBlobSync.Errors.JobFailedException>(() =>
            new SyncCommand(new RecordingHost()).Run(Download(azurite.ContainerUrl("no-such-container"), Path.Combine(scratch, "x"))));
        Assert.Equal("AzBlobSync.ContainerNotFound", error.ErrorId);
    }

    private void PutClaimingWrongMd5(string container, string blob, string content)
    {
        string file = Path.Combine(scratch, "claim-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, content);
        string wrongMd5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes("something else")));
        azurite.Oracle.PutClaimingMd5(container, blob, file, wrongMd5);
        File.Delete(file);
    }
}
