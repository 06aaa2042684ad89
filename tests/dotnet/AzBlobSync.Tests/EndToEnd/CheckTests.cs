using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>Test-AzBlobSync's engine side against the real engine: every difference classified, nothing written, -Quiet's answer.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CheckTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private SyncOptions Upload(string container) => new()
    {
        Source = tree.Root,
        Destination = azurite.ContainerUrl(container, "pre"),
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    [Fact]
    public void Classifies_missing_changed_and_extra_writes_nothing_and_is_quietly_true_once_synced()
    {
        tree.Write("same.txt", "unchanged");
        tree.Write("grown.txt", "short");
        tree.Write("touched.txt", "same size, new time");
        string container = azurite.NewContainer("check");
        new SyncCommand(new RecordingHost()).Run(Upload(container));
        tree.Write("grown.txt", "much longer now");
        File.SetLastWriteTimeUtc(tree.FullPath("touched.txt"), File.GetLastWriteTimeUtc(tree.FullPath("touched.txt")).AddMinutes(5));
        tree.Write("new/missing.txt", "only here");
        Seed.Blobs(azurite.Oracle, container, ("pre/extra.txt", "only there"), ("not under the prefix.txt", "ignored"));
        var before = azurite.Oracle.Inventory(container);
        var host = new RecordingHost();

        JobSummary summary = new CheckCommand(host).Run(Upload(container));

        Assert.Equal(
            [("extra.txt", "pre/extra.txt", DifferenceKind.Extra, "extra", TransferAction.Delete),
             ("grown.txt", "pre/grown.txt", DifferenceKind.Changed, "sizeChanged", TransferAction.Upload),
             ("new/missing.txt", "pre/new/missing.txt", DifferenceKind.Missing, "missing", TransferAction.Upload),
             ("touched.txt", "pre/touched.txt", DifferenceKind.Changed, "modifiedTimeChanged", TransferAction.Upload)],
            host.Differences.Select(d => (d.Path, d.Blob, d.Kind, d.Reason, d.Action)).OrderBy(d => d.Path, StringComparer.Ordinal));
        Assert.Equal(host.Differences.Count, host.Objects.Count);
        Assert.Equal((JobStatus.Completed, 4L, 1L), (summary.Status, summary.Differences, summary.FilesSkipped));
        Assert.True(summary.DryRun);
        Assert.Empty(host.ShouldProcessCalls);
        // Nothing written: every blob exactly as before (names, bytes and times).
        Assert.Equal(
            before.Select(b => (b.Name, b.Md5OfContent, b.LastModified)).Order(),
            azurite.Oracle.Inventory(container).Select(b => (b.Name, b.Md5OfContent, b.LastModified)).Order());

        var quiet = new RecordingHost();
        new CheckCommand(quiet).Run(Upload(container), quiet: true);
        Assert.Equal([false], quiet.Objects);

        new SyncCommand(new RecordingHost()).Run(Upload(container) with { DeleteDestination = true });
        var synced = new RecordingHost();
        new CheckCommand(synced).Run(Upload(container), quiet: true);
        Assert.Equal([true], synced.Objects);
    }

    [Fact]
    public void Checks_a_download_the_other_way_round()
    {
        string container = azurite.NewContainer("check-down");
        Seed.Blobs(azurite.Oracle, container, ("a.txt", "alpha"), ("b.txt", "beta"));
        string folder = Path.Combine(tree.Root, "restore");
        var download = new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl(container),
            Destination = folder,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        };
        new SyncCommand(new RecordingHost()).Run(download);
        File.Delete(Path.Combine(folder, "b.txt"));
        File.WriteAllText(Path.Combine(folder, "local only.txt"), "x");
        var host = new RecordingHost();

        new CheckCommand(host).Run(download);

        Assert.Equal(
            [("b.txt", DifferenceKind.Missing, TransferAction.Download), ("local only.txt", DifferenceKind.Extra, TransferAction.Delete)],
            host.Differences.Select(d => (d.Path, d.Kind, d.Action)).OrderBy(d => d.Path, StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(folder, "b.txt")));
    }

    [Fact]
    public void An_unreadable_file_is_an_error_and_not_in_sync()
    {
        tree.Write("a.txt", "alpha");
        File.CreateSymbolicLink(tree.FullPath("dangling.txt"), Path.Combine(tree.Root, "does-not-exist"));
        string container = azurite.NewContainer("check-unreadable");
        new SyncCommand(new RecordingHost()).Run(Upload(container));
        var host = new RecordingHost();

        new CheckCommand(host).Run(Upload(container), quiet: true);

        var error = Assert.Single(host.Errors);
        Assert.Equal("AzBlobSync.LocalIoError", error.ErrorId);
        Assert.StartsWith("'dangling.txt' could not be compared", error.Message);
        Assert.Equal([false], host.Objects);
    }

    [Fact]
    public void A_check_of_a_download_into_a_missing_folder_creates_nothing()
    {
        string container = azurite.NewContainer("check-nofolder");
        Seed.Blobs(azurite.Oracle, container, ("a.txt", "alpha"));
        string folder = Path.Combine(tree.Root, "not created");
        var download = new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl(container),
            Destination = folder,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        };
        var host = new RecordingHost();

        new CheckCommand(host).Run(download);
        new SyncCommand(new RecordingHost { IsWhatIf = true }).Run(download);

        Assert.Equal([("a.txt", DifferenceKind.Missing)], host.Differences.Select(d => (d.Path, d.Kind)));
        Assert.False(Directory.Exists(folder), "a read-only check (or a dry run) created the destination folder");
    }
}
