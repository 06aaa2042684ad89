using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

[Collection(AzuriteCollection.Name)]
public sealed class FailedFileTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void An_unreadable_file_is_one_non_terminating_error_and_the_others_upload()
    {
        tree.Write("a.txt", "alpha");
        tree.Write("z/last.txt", "omega");
        // A dangling symlink cannot be read even by root, so it fails the same way everywhere.
        File.CreateSymbolicLink(tree.FullPath("m-dangling.txt"), Path.Combine(tree.Root, "does-not-exist"));
        string container = azurite.NewContainer("failed-file");
        var host = new RecordingHost();

        JobSummary summary = new SyncCommand(host).Run(new SyncOptions
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container),
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        })!;

        var error = Assert.Single(host.Errors);
        Assert.Equal("AzBlobSync.LocalIoError", error.ErrorId);
        Assert.Equal(AzBlobSync.Errors.CommandErrorCategory.ReadError, error.Category);
        var failed = Assert.IsType<TransferResult>(error.Target);
        Assert.Equal(("m-dangling.txt", TransferStatus.Failed), (failed.Path, failed.Status));
        Assert.Contains("m-dangling.txt", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        Assert.Equal(["a.txt", "z/last.txt"], host.Results.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(2L, summary.FilesTransferred);
        Assert.Equal(["a.txt", "z/last.txt"], azurite.Oracle.Names(container).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_summary_counts_an_unreadable_file_as_failed()
    {
        tree.Write("a.txt", "alpha");
        File.CreateSymbolicLink(tree.FullPath("m-dangling.txt"), Path.Combine(tree.Root, "does-not-exist"));
        string container = azurite.NewContainer("failed-summary");

        JobSummary summary = new SyncCommand(new RecordingHost()).Run(new SyncOptions
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container),
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        })!;

        Assert.Equal((JobStatus.CompletedWithErrors, 1L, 1L), (summary.Status, summary.FilesTransferred, summary.FilesFailed));
    }
}
