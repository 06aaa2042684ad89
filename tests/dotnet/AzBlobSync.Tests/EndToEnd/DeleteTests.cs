using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// -DeleteDestination against the real engine: every deletion is put to ShouldProcess on the calling
/// thread and the engine waits for the answer; MaxDelete refuses before anything is deleted. The
/// oracle says what is left.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeleteTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private SyncOptions Upload(string container) => new()
    {
        Source = tree.Root,
        Destination = azurite.ContainerUrl(container, "pre"),
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        DeleteDestination = true,
    };

    [Fact]
    public void Each_deletion_is_asked_for_and_only_the_declined_blob_is_left()
    {
        tree.Write("kept.txt", "has a source");
        string container = azurite.NewContainer("delete-confirm");
        Seed.Blobs(azurite.Oracle, container, ("pre/approved extra.txt", "x"), ("pre/sub/declined extra.txt", "y"), ("outside/not under the prefix.txt", "z"));
        int callerThread = Environment.CurrentManagedThreadId;
        var host = new RecordingHost { Decide = (target, _) => target != "pre/sub/declined extra.txt" };

        JobSummary summary = new SyncCommand(host).Run(Upload(container))!;

        Assert.Equal(
            ["outside/not under the prefix.txt", "pre/kept.txt", "pre/sub/declined extra.txt"],
            azurite.Oracle.Names(container).Order(StringComparer.Ordinal));
        // The sync's own confirmation, then one per extra, in name order, naming the blob.
        Assert.Equal(
            [("pre/approved extra.txt", "Delete blob"), ("pre/sub/declined extra.txt", "Delete blob")],
            host.ShouldProcessCalls.Skip(1));
        var deleted = Assert.Single(host.Results, r => r.Action == TransferAction.Delete);
        Assert.Equal(("approved extra.txt", "pre/approved extra.txt", TransferStatus.Success, "extra"), (deleted.Path, deleted.Blob, deleted.Status, deleted.Reason));
        Assert.Contains(host.Verbose, v => v == "'sub/declined extra.txt' was not deleted: declined.");
        Assert.Equal((JobStatus.Completed, 1L, 1L, 0L), (summary.Status, summary.FilesTransferred, summary.FilesDeleted, summary.FilesSkipped));
        Assert.Equal([callerThread], host.CallingThreads);

        // With IncludeSkipped the declined deletion is a result too, and is asked about again.
        var again = new RecordingHost { Decide = (target, _) => target != "pre/sub/declined extra.txt" };
        new SyncCommand(again).Run(Upload(container) with { IncludeSkipped = true });
        var declined = Assert.Single(again.Results, r => r.Action == TransferAction.Delete);
        Assert.Equal(("sub/declined extra.txt", TransferStatus.Skipped, "declined"), (declined.Path, declined.Status, declined.Reason));
    }

    [Fact]
    public void More_extras_than_MaxDelete_writes_nothing_and_fails_with_its_error_id()
    {
        tree.Write("kept.txt", "has a source");
        string container = azurite.NewContainer("max-delete");
        Seed.Blobs(azurite.Oracle, container, ("pre/x1.txt", "1"), ("pre/x2.txt", "2"), ("pre/x3.txt", "3"));
        var host = new RecordingHost();

        var error = Assert.Throws<JobFailedException>(() => new SyncCommand(host).Run(Upload(container) with { MaxDelete = 2 }));

        Assert.Equal("AzBlobSync.MaxDeleteExceeded", error.ErrorId);
        Assert.Equal(CommandErrorCategory.LimitsExceeded, error.Category);
        Assert.Contains("3", error.Message);
        Assert.Contains("2", error.Message);
        Assert.Contains("blobs", error.Message);
        // The guard speaks before the first write: nothing deleted and nothing uploaded.
        Assert.Equal(["pre/x1.txt", "pre/x2.txt", "pre/x3.txt"], azurite.Oracle.Names(container).Order(StringComparer.Ordinal));
        Assert.Empty(host.Results);
        Assert.Single(host.ShouldProcessCalls); // only the sync's own: no deletion was ever proposed
        Assert.Empty(host.Summaries);

        // At the limit, it goes through.
        JobSummary atLimit = new SyncCommand(new RecordingHost()).Run(Upload(container) with { MaxDelete = 3 })!;
        Assert.Equal(3L, atLimit.FilesDeleted);
        Assert.Equal(["pre/kept.txt"], azurite.Oracle.Names(container));
    }

    [Fact]
    public void WhatIf_lists_the_deletions_and_deletes_nothing()
    {
        tree.Write("kept.txt", "has a source");
        string container = azurite.NewContainer("delete-whatif");
        Seed.Blobs(azurite.Oracle, container, ("pre/extra.txt", "x"));
        var host = new RecordingHost { IsWhatIf = true };

        JobSummary summary = new SyncCommand(host).Run(Upload(container))!;

        Assert.Equal(["pre/extra.txt"], azurite.Oracle.Names(container));
        var planned = Assert.Single(host.Results, r => r.Action == TransferAction.Delete);
        Assert.Equal(("extra.txt", TransferStatus.WhatIf, "extra"), (planned.Path, planned.Status, planned.Reason));
        Assert.Empty(host.ShouldProcessCalls);
        Assert.Equal((0L, 2L), (summary.FilesDeleted, summary.Differences));
    }

    [Fact]
    public void A_download_deletes_local_extras_only_when_approved_naming_the_local_file()
    {
        string container = azurite.NewContainer("delete-local");
        Seed.Blobs(azurite.Oracle, container, ("a.txt", "from the container"));
        tree.Write("old.txt", "no blob: approved, deleted");
        tree.Write("keep/mine.txt", "no blob: declined, kept");
        string declinedPath = tree.FullPath("keep/mine.txt");
        var host = new RecordingHost { Decide = (target, _) => target != declinedPath };

        JobSummary summary = new SyncCommand(host).Run(new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl(container),
            Destination = tree.Root,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            DeleteDestination = true,
        })!;

        Assert.Equal(["a.txt", "keep/mine.txt"], Seed.LocalFiles(tree.Root).Keys.Order(StringComparer.Ordinal));
        Assert.Equal([(declinedPath, "Delete file"), (tree.FullPath("old.txt"), "Delete file")], host.ShouldProcessCalls.Skip(1).Order());
        Assert.Equal((1L, 1L), (summary.FilesTransferred, summary.FilesDeleted));
        Assert.Equal(["a.txt"], azurite.Oracle.Names(container)); // the source is never touched

        // Over the limit the message counts local files, not blobs, and nothing is deleted.
        tree.Write("x1.txt", "1");
        tree.Write("x2.txt", "2");
        var error = Assert.Throws<JobFailedException>(() => new SyncCommand(new RecordingHost()).Run(new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl(container),
            Destination = tree.Root,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            DeleteDestination = true,
            MaxDelete = 2,
        }));
        Assert.Equal("AzBlobSync.MaxDeleteExceeded", error.ErrorId);
        Assert.Contains("local files", error.Message);
        Assert.DoesNotContain("blobs", error.Message);
        Assert.Equal(["a.txt", "keep/mine.txt", "x1.txt", "x2.txt"], Seed.LocalFiles(tree.Root).Keys.Order(StringComparer.Ordinal));
    }
}
