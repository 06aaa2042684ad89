using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

[Collection(AzuriteCollection.Name)]
public sealed class ListingOrderTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact(Skip = "Engine issue (reported): Azurite lists names in UTF-16 order (emoji surrogates before U+E000-U+FFFF), "
        + "the engine's merge expects UTF-8 byte order, so the second run fails with InternalError 'listing is not in name order'.")]
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
