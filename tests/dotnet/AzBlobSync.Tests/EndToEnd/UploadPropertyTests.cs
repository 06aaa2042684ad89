using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>Content type, cache control, metadata, index tags and access tier on uploaded blobs, read back with Azure's SDK.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UploadPropertyTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private static readonly Dictionary<string, string> Metadata = new() { ["dept"] = "hr", ["Owner_1"] = "team blue" };
    private static readonly Dictionary<string, string> Tags = new() { ["env"] = "prod", ["project"] = "azbs" };

    [Fact]
    public void A_sync_and_a_copy_give_every_uploaded_blob_the_properties_asked_for()
    {
        tree.Write("data/a.csv", "a,b\n");
        tree.Write("data/sub/b.bin", "bytes");
        tree.Write("one.txt", "one");
        string container = azurite.NewContainer("props");
        var key = Secrets.ToSecureString(AzuriteFixture.AccountKey);

        new SyncCommand(new RecordingHost()).Run(new SyncOptions
        {
            Source = tree.FullPath("data"),
            Destination = azurite.ContainerUrl(container, "synced"),
            AccountKey = key,
            ContentType = "application/x-test",
            CacheControl = "max-age=3600",
            Metadata = Metadata,
            Tags = Tags,
            AccessTier = BlobAccessTier.Cool,
        });
        new CopyCommand(new RecordingHost()).Run(new SyncOptions
        {
            Source = tree.FullPath("one.txt"),
            Destination = azurite.ContainerUrl(container, "copied") + "/",
            AccountKey = key,
            CacheControl = "no-cache",
            Metadata = new Dictionary<string, string> { ["source"] = "copy" },
            Tags = new Dictionary<string, string> { ["kind"] = "single" },
            AccessTier = BlobAccessTier.Hot,
        });
        // Nothing asked for: the type is guessed from the extension and nothing else is set.
        new CopyCommand(new RecordingHost()).Run(new SyncOptions
        {
            Source = tree.FullPath("data/a.csv"),
            Destination = azurite.ContainerUrl(container, "plain.csv"),
            AccountKey = key,
        });

        var blobs = azurite.Oracle.Inventory(container).ToDictionary(b => b.Name);
        Assert.Equal(["copied/one.txt", "plain.csv", "synced/a.csv", "synced/sub/b.bin"], blobs.Keys.Order(StringComparer.Ordinal));
        foreach (string name in new[] { "synced/a.csv", "synced/sub/b.bin" })
        {
            OracleBlob blob = blobs[name];
            Assert.Equal(("application/x-test", "max-age=3600", "Cool"), (blob.ContentType, blob.CacheControl, blob.AccessTier));
            Assert.Equal(Tags.OrderBy(t => t.Key), blob.Tags.OrderBy(t => t.Key));
            // Ours, plus the engine's own mtime (the source's modified time).
            foreach (var (k, v) in Metadata)
            {
                Assert.Equal(v, blob.Metadata.Single(m => string.Equals(m.Key, k, StringComparison.OrdinalIgnoreCase)).Value);
            }
            Assert.Contains(blob.Metadata.Keys, k => string.Equals(k, "mtime", StringComparison.OrdinalIgnoreCase));
        }
        OracleBlob copied = blobs["copied/one.txt"];
        Assert.Equal(("no-cache", "Hot"), (copied.CacheControl, copied.AccessTier));
        Assert.Equal([new KeyValuePair<string, string>("kind", "single")], copied.Tags);
        Assert.Equal("copy", copied.Metadata["source"]);
        Assert.Equal(tree.Md5ByRelativePath["one.txt"], copied.Md5OfContent);
        OracleBlob plain = blobs["plain.csv"];
        Assert.Equal("text/csv", plain.ContentType);
        Assert.Null(plain.CacheControl);
        Assert.Empty(plain.Tags);
    }

    [Fact]
    public void The_engine_refuses_what_the_service_would_and_the_module_refuses_it_first()
    {
        tree.Write("a.txt", "a");
        string container = azurite.NewContainer("props-bad");
        var options = new SyncOptions { Source = tree.Root, Destination = azurite.ContainerUrl(container), AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey) };
        foreach (SyncOptions bad in new[]
                 {
                     options with { Metadata = new Dictionary<string, string> { ["mtime"] = "forged" } },
                     options with { Metadata = new Dictionary<string, string> { ["not-an-identifier"] = "x" } },
                     options with { Tags = Enumerable.Range(1, 11).ToDictionary(i => $"t{i}", i => "v") },
                 })
        {
            var host = new RecordingHost();
            var error = Assert.ThrowsAny<AzBlobSyncException>(() => new SyncCommand(host).Run(bad));
            Assert.Equal(ErrorIds.InvalidSpec, error.ErrorId);
            Assert.Empty(host.ShouldProcessCalls);
        }
        Assert.Empty(azurite.Oracle.Names(container));
    }
}
