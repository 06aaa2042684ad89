using System.Text;
using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>Filters set through SyncOptions (as the cmdlets set them) reach the engine and mean the same both ways.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FilterTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void An_excluded_pattern_and_folder_are_not_uploaded_and_blobs_outside_the_filter_are_not_deleted()
    {
        tree.Write("a.txt", "in");
        tree.Write("b.log", "excluded by pattern");
        tree.Write("logs/c.txt", "excluded by path");
        tree.Write("keep/d.txt", "in");
        tree.Write("keep/e.log", "excluded by pattern, in a folder");
        string container = azurite.NewContainer("filter-up");
        Seed.Blobs(azurite.Oracle, container, ("stale.txt", "inside the filter, no source: deleted"), ("old.log", "outside the filter: left alone"), ("logs/old.txt", "under an excluded path: left alone"));
        var host = new RecordingHost();

        JobSummary summary = new SyncCommand(host).Run(new SyncOptions
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container),
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            ExcludePattern = ["*.log"],
            ExcludePath = ["logs"],
            DeleteDestination = true,
        })!;

        Assert.Equal(
            ["a.txt", "keep/d.txt", "logs/old.txt", "old.log"],
            azurite.Oracle.Names(container).Order(StringComparer.Ordinal));
        Assert.Equal(["a.txt", "keep/d.txt"], host.Results.Where(r => r.Action == TransferAction.Upload).Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal((2L, 1L), (summary.FilesTransferred, summary.FilesDeleted));
        Assert.Contains(host.Verbose, v => v.Contains("Filters=ExcludePattern=*.log ExcludePath=logs"));
    }

    [Fact]
    public void A_download_takes_only_the_included_names_under_the_included_folder()
    {
        string container = azurite.NewContainer("filter-down");
        Seed.Blobs(
            azurite.Oracle,
            container,
            ("docs/a.txt", "in"),
            ("docs/sub/b.md", "in"),
            ("docs/c.bin", "wrong pattern"),
            ("other/d.txt", "wrong path"));
        string destination = Path.Combine(tree.Root, "restore");

        JobSummary summary = new SyncCommand(new RecordingHost()).Run(new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl(container),
            Destination = destination,
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            IncludePattern = ["*.txt;*.md"],
            IncludePath = ["docs"],
        })!;

        Assert.Equal(["docs/a.txt", "docs/sub/b.md"], Seed.LocalFiles(destination).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2L, summary.FilesTransferred);
    }

    [Fact]
    public void Time_and_age_filters_reach_the_engine_in_its_formats()
    {
        var now = DateTime.UtcNow;
        void Write(string name, DateTime modifiedUtc)
        {
            tree.Write(name, Encoding.UTF8.GetBytes(name));
            File.SetLastWriteTimeUtc(tree.FullPath(name), modifiedUtc);
        }
        Write("ancient.txt", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Write("last week.txt", now.AddDays(-7));
        Write("an hour ago.txt", now.AddHours(-1));
        Write("just now.txt", now);
        string container = azurite.NewContainer("filter-time");
        var host = new RecordingHost { IsWhatIf = true };

        new SyncCommand(host).Run(new SyncOptions
        {
            Source = tree.Root,
            Destination = azurite.ContainerUrl(container),
            AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            // A local (Unspecified-kind) time, as PowerShell binds one, with a fraction of a second.
            IncludeAfter = DateTime.SpecifyKind(new DateTime(2021, 6, 1, 12, 0, 0, 123, DateTimeKind.Utc).ToLocalTime(), DateTimeKind.Unspecified),
            MinAge = TimeSpan.FromSeconds(600.5), // not whole seconds: sent as "600500ms"
            MaxAge = TimeSpan.FromDays(3),
        });

        Assert.Equal(["an hour ago.txt"], host.Results.Select(r => r.Path));
    }
}
