using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// -CompareHash MD5 against the real engine: a same-sized pair is judged by the local file's MD5 against the
/// blob's Content-MD5, so a touched but identical file is left alone and a same-size edit is caught.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CompareHashTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();
    private readonly string cacheFolder = Directory.CreateTempSubdirectory("azbs-hashcache-").FullName;

    public void Dispose()
    {
        tree.Dispose();
        Directory.Delete(cacheFolder, recursive: true);
    }

    private SyncOptions Upload(string container) => new()
    {
        Source = tree.Root,
        Destination = azurite.ContainerUrl(container, "pre"),
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    [Fact]
    public void A_touched_identical_file_is_unchanged_and_a_same_size_edit_is_uploaded()
    {
        tree.Write("touched.txt", "same bytes, new time");
        tree.Write("edited.txt", "abcdef");
        tree.Write("untouched.txt", "left alone");
        string container = azurite.NewContainer("hash");
        new SyncCommand(new RecordingHost()).Run(Upload(container) with { PutMd5 = true });

        string touched = tree.FullPath("touched.txt");
        File.SetLastWriteTimeUtc(touched, File.GetLastWriteTimeUtc(touched).AddHours(1));
        DateTime editedTime = File.GetLastWriteTimeUtc(tree.FullPath("edited.txt"));
        tree.Write("edited.txt", "abcxyz");
        // Same size and, to be sure the content is what decides, the same modified time as before.
        File.SetLastWriteTimeUtc(tree.FullPath("edited.txt"), editedTime);
        string cache = Path.Combine(cacheFolder, "hashes.redb");
        SyncOptions byHash = Upload(container) with { CompareHash = CompareHashMode.MD5, HashCachePath = cache, PutMd5 = true };

        // By time, the touched file looks changed and the edit does not; by content, the other way round.
        var byTime = new RecordingHost();
        new CheckCommand(byTime).Run(Upload(container));
        Assert.Equal([("touched.txt", "modifiedTimeChanged")], byTime.Differences.Select(d => (d.Path, d.Reason)));
        var check = new RecordingHost();
        JobSummary checkSummary = new CheckCommand(check).Run(byHash);
        Assert.Equal([("edited.txt", DifferenceKind.Changed, "contentChanged")], check.Differences.Select(d => (d.Path, d.Kind, d.Reason)));
        Assert.Equal(1L, checkSummary.Differences);
        Assert.True(File.Exists(cache), "the local MD5s were not remembered in the given cache file");

        var host = new RecordingHost();
        JobSummary summary = new SyncCommand(host).Run(byHash with { IncludeSkipped = true })!;

        Assert.Equal(
            [("edited.txt", TransferAction.Upload, TransferStatus.Success, "contentChanged"),
             ("touched.txt", TransferAction.Skip, TransferStatus.Skipped, "unchanged"),
             ("untouched.txt", TransferAction.Skip, TransferStatus.Skipped, "unchanged")],
            host.Results.Select(r => (r.Path, r.Action, r.Status, r.Reason)).OrderBy(r => r.Path, StringComparer.Ordinal));
        Assert.Equal((1L, 2L), (summary.FilesTransferred, summary.FilesSkipped));
        var blobs = azurite.Oracle.Inventory(container).ToDictionary(b => b.Name);
        Assert.Equal(tree.Md5ByRelativePath["edited.txt"], blobs["pre/edited.txt"].Md5OfContent);
        Assert.Equal(TestTree.Base64Md5OfHex(tree.Md5ByRelativePath["edited.txt"]), blobs["pre/edited.txt"].ContentMd5);

        // In sync now, by content.
        var quiet = new RecordingHost();
        new CheckCommand(quiet).Run(byHash, quiet: true);
        Assert.Equal([true], quiet.Objects);
    }

    [Fact]
    public void A_download_by_hash_leaves_a_touched_identical_file_and_fetches_a_same_size_change()
    {
        string container = azurite.NewContainer("hash-down");
        tree.Write("blobs/touched.txt", "identical");
        tree.Write("blobs/edited.txt", "version 1");
        // Uploaded with Content-MD5s, so a download can compare by content.
        new SyncCommand(new RecordingHost()).Run(Upload(container) with { Source = tree.FullPath("blobs"), PutMd5 = true });
        string folder = tree.FullPath("restore");
        var download = new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl(container, "pre"),
            Destination = folder,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            CompareHash = CompareHashMode.MD5,
            HashCachePath = Path.Combine(cacheFolder, "down.redb"),
        };
        new SyncCommand(new RecordingHost()).Run(download);
        string touched = Path.Combine(folder, "touched.txt"), edited = Path.Combine(folder, "edited.txt");
        File.SetLastWriteTimeUtc(touched, File.GetLastWriteTimeUtc(touched).AddHours(-3));
        DateTime editedTime = File.GetLastWriteTimeUtc(edited);
        File.WriteAllText(edited, "version 2"); // same size, local edit the blob does not have
        File.SetLastWriteTimeUtc(edited, editedTime);

        var check = new RecordingHost();
        new CheckCommand(check).Run(download);
        Assert.Equal([("edited.txt", "contentChanged", TransferAction.Download)], check.Differences.Select(d => (d.Path, d.Reason, d.Action)));

        var host = new RecordingHost();
        new SyncCommand(host).Run(download);
        Assert.Equal([("edited.txt", "contentChanged")], host.Results.Select(r => (r.Path, r.Reason)));
        Assert.Equal("version 1", File.ReadAllText(edited));
        Assert.Equal("identical", File.ReadAllText(touched));
    }

    [Fact]
    public void A_blob_without_a_content_md5_cannot_be_shown_equal()
    {
        tree.Write("a.txt", "alpha");
        string container = azurite.NewContainer("hash-none");
        // Claimed MD5 removed: a blob the service stored without one (as a block-list upload without PutMd5 leaves it).
        azurite.Oracle.PutClaimingMd5(container, "a.txt", tree.FullPath("a.txt"), "");
        var host = new RecordingHost();

        new CheckCommand(host).Run(new SyncOptions
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container),
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            CompareHash = CompareHashMode.MD5,
            HashCachePath = Path.Combine(cacheFolder, "none.redb"),
        });

        Assert.Equal([("a.txt", DifferenceKind.Changed, "noHashToCompare")], host.Differences.Select(d => (d.Path, d.Kind, d.Reason)));
    }
}
