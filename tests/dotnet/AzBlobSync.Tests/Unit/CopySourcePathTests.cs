using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.Spec;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Unit;

/// <summary>
/// A copy's 'folder' versus 'folder\*' must survive PowerShell's path resolution. Windows paths on any OS:
/// the resolver is a stand-in for PowerShell's provider, returning what it would for each path asked.
/// </summary>
public sealed class CopySourcePathTests
{
    /// <summary>PowerShell's resolution as a table: path asked → items returned. Records every path asked.</summary>
    private sealed class FakeProvider(Dictionary<string, string[]> items)
    {
        public List<string> Asked { get; } = [];

        public IReadOnlyList<string> Resolve(string path)
        {
            Asked.Add(path);
            return items.TryGetValue(path, out string[]? found) ? found : [];
        }
    }

    [Theory]
    [InlineData(@"C:\data\*", @"C:\data\", true)]
    [InlineData(@"\\server\share\dir\*", @"\\server\share\dir\", true)]
    [InlineData(@"C:\*", @"C:\", true)]
    [InlineData(@"C:/data/*", @"C:/data/", true)]
    [InlineData("/srv/data/*", "/srv/data/", true)]
    [InlineData("/*", "/", true)]
    [InlineData(@"C:\data", @"C:\data", false)]
    [InlineData(@"C:\data\", @"C:\data\", false)]
    [InlineData(@"C:\data\*.csv", @"C:\data\*.csv", false)]
    [InlineData("*", "*", false)] // every item here, each copied on its own, not "the contents of ''"
    [InlineData(@"C:\data*", @"C:\data*", false)]
    public void A_trailing_separator_and_star_is_the_contents_marker(string typed, string folder, bool contents)
    {
        Assert.Equal(contents, CopySourcePath.TrySplitContents(typed, out string split));
        Assert.Equal(folder, split);
    }

    [Theory]
    [InlineData(@"C:\data", '\\', @"C:\data\*")]
    [InlineData(@"C:\data\", '\\', @"C:\data\*")]
    [InlineData(@"C:\", '\\', @"C:\*")]
    [InlineData(@"\\server\share\dir", '\\', @"\\server\share\dir\*")]
    [InlineData(@"\\?\C:\very\long", '\\', @"\\?\C:\very\long\*")]
    [InlineData("/srv/data/", '/', "/srv/data/*")]
    [InlineData("/", '/', "/*")]
    public void Contents_put_the_marker_back_on_the_resolved_folder(string folder, char separator, string expected)
    {
        Assert.Equal(expected, CopySourcePath.Contents(folder, separator));
    }

    [Fact]
    public void A_folders_contents_are_resolved_through_the_folder_and_the_marker_put_back()
    {
        var provider = new FakeProvider(new() { [@"C:\data\"] = [@"C:\data"] });
        Assert.Equal([@"C:\data\*"], CopySourcePath.Resolve(@"C:\data\*", provider.Resolve, '\\'));
        // PowerShell never saw the '*': it would have expanded it into every child.
        Assert.Equal([@"C:\data\"], provider.Asked);
    }

    [Fact]
    public void A_share_folders_contents_keep_the_unc_form()
    {
        var provider = new FakeProvider(new() { [@"\\server\share\dir\"] = [@"\\server\share\dir\"] });
        Assert.Equal([@"\\server\share\dir\*"], CopySourcePath.Resolve(@"\\server\share\dir\*", provider.Resolve, '\\'));
    }

    [Fact]
    public void A_relative_contents_path_is_resolved_against_the_location_and_keeps_its_meaning()
    {
        // 'data\*' typed in C:\work: PowerShell resolves the folder part against its current location.
        var provider = new FakeProvider(new() { [@"data\"] = [@"C:\work\data"] });
        Assert.Equal([@"C:\work\data\*"], CopySourcePath.Resolve(@"data\*", provider.Resolve, '\\'));
    }

    [Fact]
    public void A_folder_without_the_marker_is_the_folder_itself()
    {
        var provider = new FakeProvider(new() { [@"C:\data"] = [@"C:\data"] });
        Assert.Equal([@"C:\data"], CopySourcePath.Resolve(@"C:\data", provider.Resolve, '\\'));
    }

    [Fact]
    public void Any_other_wildcard_is_expanded_and_every_match_is_copied_on_its_own()
    {
        var provider = new FakeProvider(new() { [@"C:\data\*.csv"] = [@"C:\data\a.csv", @"C:\data\b.csv"] });
        Assert.Equal([@"C:\data\a.csv", @"C:\data\b.csv"], CopySourcePath.Resolve(@"C:\data\*.csv", provider.Resolve, '\\'));
    }

    [Fact]
    public void A_wildcard_folder_part_must_match_exactly_one_folder()
    {
        var provider = new FakeProvider(new() { [@"C:\da*\"] = [@"C:\data", @"C:\dave"], [@"C:\x*\"] = [] });
        Assert.Equal([@"C:\data\*"], CopySourcePath.Resolve(@"C:\da*\*", new FakeProvider(new() { [@"C:\da*\"] = [@"C:\data"] }).Resolve, '\\'));
        Assert.Equal(ErrorIds.SourceAmbiguous, Assert.ThrowsAny<AzBlobSyncException>(() => CopySourcePath.Resolve(@"C:\da*\*", provider.Resolve, '\\')).ErrorId);
        Assert.Equal(ErrorIds.SourceNotFound, Assert.ThrowsAny<AzBlobSyncException>(() => CopySourcePath.Resolve(@"C:\x*\*", provider.Resolve, '\\')).ErrorId);
    }

    [Fact]
    public void A_path_that_matches_nothing_is_source_not_found()
    {
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => CopySourcePath.Resolve(@"C:\nothing-*", new FakeProvider([]).Resolve, '\\'));
        Assert.Equal(ErrorIds.SourceNotFound, error.ErrorId);
        Assert.Contains(@"'C:\nothing-*' matches nothing", error.Message);
    }

    [Theory]
    [InlineData(@"C:\restore\", @"C:\restore", @"C:\restore\")]
    [InlineData(@"C:\restore\", @"C:\restore\", @"C:\restore\")]
    [InlineData(@"C:\restore\new.csv", @"C:\restore\new.csv", @"C:\restore\new.csv")]
    [InlineData(@"restore/", @"C:\work\restore", @"C:\work\restore\")]
    [InlineData(@"C:\restore", @"C:\restore", @"C:\restore")]
    public void A_download_destinations_trailing_separator_survives_resolution(string typed, string resolved, string expected)
    {
        Assert.Equal(expected, CopySourcePath.KeepTrailingSeparator(typed, resolved, '\\'));
    }

    [Theory]
    [InlineData("https://a.blob.core.windows.net/c/dir/*?sv=1&sig=S", "https://a.blob.core.windows.net/c/dir?sv=1&sig=S", true)]
    [InlineData("https://a.blob.core.windows.net/c/*", "https://a.blob.core.windows.net/c", true)]
    [InlineData("https://a.blob.core.windows.net/c/dir", "https://a.blob.core.windows.net/c/dir", false)]
    [InlineData("https://a.blob.core.windows.net/c/dir/x.csv?sv=1", "https://a.blob.core.windows.net/c/dir/x.csv?sv=1", false)]
    [InlineData("https://a.blob.core.windows.net/c/dir?sv=1&x=/*", "https://a.blob.core.windows.net/c/dir?sv=1&x=/*", false)]
    public void A_source_urls_contents_marker_comes_before_its_query(string url, string expected, bool contents)
    {
        Assert.Equal((expected, contents), CopySourcePath.SplitUrl(url));
    }

    /// <summary>An upload copy checked by the engine (its rules and ids); returns the source as the engine gets it.</summary>
    private static string CheckCopySource(string source, bool recursive) =>
        JobEndpoints.ValidateCopy(new SyncOptions
        {
            Direction = SyncDirection.Upload,
            Source = source,
            Destination = "http://127.0.0.1:1/devstoreaccount1/cont",
            Recursive = recursive,
        }).LocalFolder;

    [Fact]
    public void Validate_accepts_a_file_a_recursive_folder_and_contents_and_names_Recursive_for_a_bare_folder()
    {
        using var tree = new TestTree();
        tree.Write("data/a.txt", "a");
        string data = tree.FullPath("data");
        char sep = Path.DirectorySeparatorChar;

        Assert.Equal(tree.FullPath("data/a.txt"), CheckCopySource(tree.FullPath("data/a.txt"), recursive: false));
        Assert.Equal(data, CheckCopySource(data, recursive: true));
        Assert.Equal(data + sep + "*", CheckCopySource(data + "/*", recursive: false));
        Assert.Equal(data + sep + "*", CheckCopySource(data + sep + sep + "*", recursive: true));
        Assert.Equal(data + sep + "*", CopySourcePath.Absolute(data + sep + sep + "*"));

        var bare = Assert.Throws<SpecRefusedException>(() => CheckCopySource(data, recursive: false));
        Assert.Equal(ErrorIds.InvalidSpec, bare.ErrorId);
        Assert.Equal(SpecConcern.Source, bare.Concern);
        Assert.Contains("-Recursive", bare.Message);
        Assert.Contains($"'{data}{sep}*'", bare.Message);

        var fileContents = Assert.ThrowsAny<AzBlobSyncException>(() => CheckCopySource(tree.FullPath("data/a.txt") + "/*", recursive: true));
        Assert.Equal(ErrorIds.SourceNotAFolder, fileContents.ErrorId);
        Assert.Equal(ErrorIds.SourceNotFound, Assert.ThrowsAny<AzBlobSyncException>(() => CheckCopySource(tree.FullPath("nope"), true)).ErrorId);
        Assert.Equal(ErrorIds.SourceNotFound, Assert.ThrowsAny<AzBlobSyncException>(() => CheckCopySource(tree.FullPath("nope") + "/*", true)).ErrorId);
        Assert.Equal(ErrorIds.InvalidSpec, Assert.ThrowsAny<AzBlobSyncException>(() => CheckCopySource(" ", true)).ErrorId);
    }
}
