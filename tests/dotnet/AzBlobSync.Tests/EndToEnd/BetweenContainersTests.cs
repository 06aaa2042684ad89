using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// Container to container (server-side copies) through the .NET layer and the real engine against Azurite: the oracle
/// puts the source blobs and says, byte for byte, what the destination holds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BetweenContainersTests(AzuriteFixture azurite)
{
    private SyncOptions Between(string source, string destination) => new()
    {
        Direction = SyncDirection.ContainerToContainer,
        Source = source,
        Destination = destination,
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    /// <summary>Blob name → hex MD5 of its bytes, as Azure's SDK reads them.</summary>
    private Dictionary<string, string> Blobs(string container) =>
        azurite.Oracle.Inventory(container).ToDictionary(b => b.Name, b => b.Md5OfContent, StringComparer.Ordinal);

    [Fact]
    public void Syncs_a_prefix_into_another_container_then_copies_nothing_and_deletes_extras_only_as_approved()
    {
        string source = azurite.NewContainer("c2c-src");
        string destination = azurite.NewContainer("c2c-dst");
        var seeded = Seed.Blobs(
            azurite.Oracle,
            source,
            ("site/index.html", "<h1>hi</h1>"),
            ("site/css/main css.css", "body { }"),
            ("site/ünï/café #1.txt", "accents and a hash"),
            ("elsewhere/not copied.txt", "outside the prefix"));
        Seed.Blobs(azurite.Oracle, destination, ("mirror/stale.txt", "no source"), ("mirror/keep me.txt", "declined"), ("other/untouched.txt", "outside"));
        var options = Between(azurite.ContainerUrl(source, "site"), azurite.ContainerUrl(destination, "mirror"));

        // A check first: three missing (a sync would copy them), two extras.
        var check = new RecordingHost();
        JobSummary checkSummary = new CheckCommand(check).Run(options);
        Assert.Equal(5L, checkSummary.Differences);
        Assert.Equal(
            [("css/main css.css", DifferenceKind.Missing, TransferAction.Copy), ("index.html", DifferenceKind.Missing, TransferAction.Copy),
             ("keep me.txt", DifferenceKind.Extra, TransferAction.Delete), ("stale.txt", DifferenceKind.Extra, TransferAction.Delete),
             ("ünï/café #1.txt", DifferenceKind.Missing, TransferAction.Copy)],
            check.Differences.Select(d => (d.Path, d.Kind, d.Action)).OrderBy(d => d.Path, StringComparer.Ordinal));
        Assert.Equal(["mirror/keep me.txt", "mirror/stale.txt", "other/untouched.txt"], azurite.Oracle.Names(destination).Order(StringComparer.Ordinal));

        // The sync: copies server-side, asks before each deletion (naming the blob), deletes only what was approved.
        var host = new RecordingHost { Decide = (target, _) => target != "mirror/keep me.txt" };
        JobSummary summary = new SyncCommand(host).Run(options with { DeleteDestination = true })!;

        Assert.Empty(host.Errors);
        Assert.Equal((JobStatus.Completed, 3L, 1L, 0L), (summary.Status, summary.FilesTransferred, summary.FilesDeleted, summary.FilesFailed));
        var expected = seeded.Where(kv => kv.Key.StartsWith("site/", StringComparison.Ordinal))
            .ToDictionary(kv => "mirror/" + kv.Key["site/".Length..], kv => kv.Value, StringComparer.Ordinal);
        expected["mirror/keep me.txt"] = Seed.Md5Hex("declined"u8.ToArray());
        expected["other/untouched.txt"] = Seed.Md5Hex("outside"u8.ToArray());
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), Blobs(destination).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        // The source is untouched.
        Assert.Equal(seeded.Keys.Order(StringComparer.Ordinal), azurite.Oracle.Names(source).Order(StringComparer.Ordinal));

        var copies = host.Results.Where(r => r.Action == TransferAction.Copy).OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("css/main css.css", "mirror/css/main css.css"), ("index.html", "mirror/index.html"), ("ünï/café #1.txt", "mirror/ünï/café #1.txt")],
            copies.Select(r => (r.Path, r.Blob)));
        Assert.All(copies, r => Assert.Equal((TransferStatus.Success, "missing"), (r.Status, r.Reason)));
        // The sync's own confirmation names the destination container; then one per extra, in name order.
        Assert.Equal(azurite.ContainerUrl(destination, "mirror"), host.ShouldProcessCalls[0].Target);
        Assert.Contains("server-side", host.ShouldProcessCalls[0].Action);
        Assert.Equal([("mirror/keep me.txt", "Delete blob"), ("mirror/stale.txt", "Delete blob")], host.ShouldProcessCalls.Skip(1));
        Assert.Equal(("stale.txt", TransferStatus.Success), host.Results.Where(r => r.Action == TransferAction.Delete).Select(r => (r.Path, r.Status)).Single());
        Assert.Single(host.CallingThreads);

        // A rerun (no deletions) copies nothing: every pair is unchanged.
        var rerunHost = new RecordingHost();
        JobSummary rerun = new SyncCommand(rerunHost).Run(options)!;
        Assert.Equal((JobStatus.Completed, 0L, 3L, 0L), (rerun.Status, rerun.FilesTransferred, rerun.FilesSkipped, rerun.BytesTransferred));
        Assert.Empty(rerunHost.Results);
        Assert.True(CheckCommand.IsInSync(new CheckCommand(new RecordingHost()).Run(options with { ExcludePath = ["keep me.txt"] })));
    }

    [Fact]
    public void Copies_one_blob_renamed_or_under_its_own_name_and_keeps_an_existing_one_when_declined()
    {
        string source = azurite.NewContainer("c2c-one-src");
        string destination = azurite.NewContainer("c2c-one-dst");
        var seeded = Seed.Blobs(azurite.Oracle, source, ("reports/2026/summary.pdf", "the report"), ("reports/2026/other.pdf", "not asked for"));
        string blobUrl = azurite.ContainerUrl(source, "reports/2026/summary.pdf");
        var host = new RecordingHost();
        var command = new CopyCommand(host);

        command.Run(Between(blobUrl, azurite.ContainerUrl(destination, "archive/summary-2026.pdf")));
        command.Run(Between(blobUrl, azurite.ContainerUrl(destination, "in") + "/"));
        command.Run(Between(blobUrl, azurite.ContainerUrl(destination)));

        Assert.Empty(host.Errors);
        string md5 = seeded["reports/2026/summary.pdf"];
        Assert.Equal(
            new Dictionary<string, string> { ["archive/summary-2026.pdf"] = md5, ["in/summary.pdf"] = md5, ["summary.pdf"] = md5 },
            Blobs(destination));
        Assert.Equal(
            [("summary.pdf", "archive/summary-2026.pdf"), ("summary.pdf", "in/summary.pdf"), ("summary.pdf", "summary.pdf")],
            host.Results.Select(r => (r.Path, r.Blob)));
        Assert.All(host.Results, r => Assert.Equal((TransferAction.Copy, TransferStatus.Success), (r.Action, r.Status)));
        Assert.Equal(3, host.Summaries.Count);

        // Overwrite Prompt: the engine asks about the existing destination blob, by its name; declined, it is kept.
        // The copy's own confirmation is answered too: let it through and decline the overwrite only.
        var decline = new RecordingHost { Decide = (_, action) => action != "Overwrite blob" };
        JobSummary declined = new CopyCommand(decline).Run(
            Between(blobUrl, azurite.ContainerUrl(destination, "archive/summary-2026.pdf")) with { Overwrite = OverwriteMode.Prompt, IncludeSkipped = true })!;
        Assert.Equal([("archive/summary-2026.pdf", "Overwrite blob")], decline.ShouldProcessCalls.Skip(1));
        Assert.Equal((0L, 1L), (declined.FilesTransferred, declined.FilesSkipped));
        Assert.Equal(("declined", TransferStatus.Skipped), decline.Results.Select(r => (r.Reason, r.Status)).Single());
        Assert.Equal(md5, Blobs(destination)["archive/summary-2026.pdf"]);
    }

    [Fact]
    public void Bad_urls_are_refused_before_anything_runs_each_end_with_its_own_error_id()
    {
        string destination = azurite.NewContainer("c2c-bad");
        string good = azurite.ContainerUrl(destination);
        var host = new RecordingHost();

        var badSource = Assert.ThrowsAny<AzBlobSyncException>(() => new SyncCommand(host).Run(Between("not a url", good)));
        Assert.Equal(ErrorIds.InvalidSource, badSource.ErrorId);
        Assert.StartsWith("Source 'not a url' is not a valid container URL", badSource.Message);

        var badCopySource = Assert.ThrowsAny<AzBlobSyncException>(() => new CopyCommand(host).Run(Between($"{azurite.BlobEndpoint}/Bad_Name/x/*", good)));
        Assert.Equal(ErrorIds.InvalidSource, badCopySource.ErrorId);

        var badDestination = Assert.ThrowsAny<AzBlobSyncException>(() => new CheckCommand(host).Run(Between(good, "ftp://example.com/c")));
        Assert.Equal(ErrorIds.InvalidDestination, badDestination.ErrorId);
        Assert.StartsWith("Destination 'ftp://example.com/c' is not a valid container URL", badDestination.Message);

        // Several sources: a malformed one is a non-terminating error and the others still run.
        Seed.Blobs(azurite.Oracle, destination, ("from/a.txt", "alpha"));
        new CopyCommand(host).RunEach(["https://", azurite.ContainerUrl(destination, "from") + "/*"], Between(string.Empty, azurite.ContainerUrl(destination, "to") + "/"));
        Assert.Equal(ErrorIds.InvalidSource, Assert.Single(host.Errors).ErrorId);
        Assert.Equal(1L, Assert.Single(host.Summaries).FilesTransferred);
        Assert.Equal(["from/a.txt", "to/a.txt"], azurite.Oracle.Names(destination).Order(StringComparer.Ordinal));
    }
}
