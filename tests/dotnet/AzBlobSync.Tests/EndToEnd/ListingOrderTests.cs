using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

[Collection(AzuriteCollection.Name)]
public sealed class ListingOrderTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    /// <summary>Azurite (like the service) lists in UTF-16 order: emoji surrogates sort before U+E000-U+FFFF, unlike UTF-8 byte order.</summary>
    [Fact]
    public void A_rerun_over_names_that_sort_differently_in_utf8_and_utf16_skips_them()
    {
        tree.Write("a\uFF01.txt", "fullwidth exclamation");
        tree.Write("a😀.txt", "emoji");
        tree.Write("a\uE000.txt", "private use");
        string container = azurite.NewContainer("order");
        var options = new SyncOptions
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container),
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
        };
        Assert.Equal(3, new SyncCommand(new RecordingHost()).Run(options)!.FilesTransferred);

        JobSummary rerun = new SyncCommand(new RecordingHost()).Run(options)!;

        Assert.Equal((JobStatus.Completed, 0L, 3L), (rerun.Status, rerun.FilesTransferred, rerun.FilesSkipped));
    }
}
