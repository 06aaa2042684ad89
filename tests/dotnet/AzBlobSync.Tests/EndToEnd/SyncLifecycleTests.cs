using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// The whole story through the .NET layer and the real engine: first upload, a rerun that uploads
/// nothing, then exactly the touched files. Azure's Python SDK (the oracle) judges every blob.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SyncLifecycleTests(AzuriteFixture azurite) : IDisposable
{
    private const int FileCount = 500;
    private const string Prefix = "nightly/run 1";

    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void Uploads_a_tree_byte_for_byte_then_skips_it_then_uploads_only_what_changed()
    {
        AwkwardTree.Build(tree, FileCount);
        string container = azurite.NewContainer("lifecycle");
        SyncOptions options = new()
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container, Prefix),
            PutMd5 = true,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        };

        // 1. First run: everything is missing, so everything goes up, with Content-MD5.
        var first = new RecordingHost();
        JobSummary summary = new SyncCommand(first).Run(options)!;

        Assert.Empty(first.Errors);
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.False(summary.DryRun);
        Assert.Equal(FileCount, summary.FilesTransferred);
        Assert.Equal(0, summary.FilesSkipped);
        Assert.Equal(0, summary.FilesFailed);
        Assert.Equal(tree.Md5ByRelativePath.Keys.Sum(p => new FileInfo(tree.FullPath(p)).Length), summary.BytesTransferred);
        Assert.Equal(FileCount, first.Results.Count);
        Assert.All(first.Results, r =>
        {
            Assert.Equal((TransferAction.Upload, TransferStatus.Success, "missing"), (r.Action, r.Status, r.Reason));
            Assert.Equal($"{Prefix}/{r.Path}", r.Blob);
            Assert.Equal(TestTree.Base64Md5OfHex(tree.Md5ByRelativePath[r.Path]), r.ContentMd5);
            Assert.Equal(new FileInfo(tree.FullPath(r.Path)).Length, r.Bytes);
        });
        Assert.Equal(tree.Md5ByRelativePath.Keys.Order(StringComparer.Ordinal), first.Results.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Same(summary, first.Objects[^1]);
        Assert.NotEmpty(first.Progress);
        Assert.Equal(JobState.Completed, first.Progress[^1].State);
        Assert.Single(first.CallingThreads);

        AssertContainerMirrorsTree(container, expectContentMd5: true);

        // 2. Second run: nothing changed, nothing goes up, and skipped files stay off the pipeline.
        var second = new RecordingHost();
        JobSummary rerun = new SyncCommand(second).Run(options)!;
        Assert.Equal((JobStatus.Completed, 0L, (long)FileCount, 0L), (rerun.Status, rerun.FilesTransferred, rerun.FilesSkipped, rerun.BytesTransferred));
        Assert.Empty(second.Results);
        Assert.Empty(second.Errors);

        // ...and with IncludeSkipped every file is reported as unchanged.
        var third = new RecordingHost();
        new SyncCommand(third).Run(options with { IncludeSkipped = true });
        Assert.Equal(FileCount, third.Results.Count);
        Assert.All(third.Results, r => Assert.Equal((TransferAction.Skip, TransferStatus.Skipped, "unchanged", 0L), (r.Action, r.Status, r.Reason, r.Bytes)));

        // 3. Touch three files: a size change, a same-size content change, and a modified time only.
        string[] paths = tree.Md5ByRelativePath.Keys.Where(p => p != AwkwardTree.LargeFile && p != AwkwardTree.ZeroByteFile).Order(StringComparer.Ordinal).ToArray();
        string grown = paths[10], rewritten = paths[200], retimed = paths[400];
        byte[] original = File.ReadAllBytes(tree.FullPath(grown));
        tree.Write(grown, [.. original, .. "appended"u8.ToArray()]);
        byte[] sameSize = File.ReadAllBytes(tree.FullPath(rewritten));
        Array.Reverse(sameSize);
        sameSize[0] ^= 0xFF; // never a palindrome
        tree.Write(rewritten, sameSize);
        File.SetLastWriteTimeUtc(tree.FullPath(retimed), File.GetLastWriteTimeUtc(tree.FullPath(retimed)).AddHours(1));

        var fourth = new RecordingHost();
        JobSummary changed = new SyncCommand(fourth).Run(options)!;
        Assert.Equal((JobStatus.Completed, 3L, (long)FileCount - 3), (changed.Status, changed.FilesTransferred, changed.FilesSkipped));
        var uploaded = fourth.Results.ToDictionary(r => r.Path, r => r.Reason);
        Assert.Equal(
            new Dictionary<string, string> { [grown] = "sizeChanged", [rewritten] = "modifiedTimeChanged", [retimed] = "modifiedTimeChanged" },
            uploaded);
        Assert.All(fourth.Results, r => Assert.Equal(TransferStatus.Success, r.Status));

        AssertContainerMirrorsTree(container, expectContentMd5: true);
    }

    /// <summary>The oracle lists exactly the expected blobs, each byte-identical to its file.</summary>
    private void AssertContainerMirrorsTree(string container, bool expectContentMd5)
    {
        var inventory = azurite.Oracle.Inventory(container).ToDictionary(b => b.Name, StringComparer.Ordinal);
        var expected = tree.Md5ByRelativePath.ToDictionary(kv => $"{Prefix}/{kv.Key}", kv => kv.Value, StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), inventory.Keys.Order(StringComparer.Ordinal));
        foreach (var (blobName, localMd5) in expected)
        {
            OracleBlob blob = inventory[blobName];
            Assert.True(localMd5 == blob.Md5OfContent, $"content of '{blobName}' differs from the local file");
            Assert.Equal(new FileInfo(tree.FullPath(blobName[(Prefix.Length + 1)..])).Length, blob.Size);
            if (expectContentMd5)
            {
                Assert.True(TestTree.Base64Md5OfHex(localMd5) == blob.ContentMd5, $"Content-MD5 of '{blobName}' is {blob.ContentMd5 ?? "missing"}");
            }
        }
        Assert.Equal(0, inventory[$"{Prefix}/{AwkwardTree.ZeroByteFile}"].Size);
        Assert.Equal(AwkwardTree.LargeFileSize, inventory[$"{Prefix}/{AwkwardTree.LargeFile}"].Size);
    }
}
