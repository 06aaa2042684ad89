using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.Tests.Unit;

public sealed class SourcePathResolutionTests
{
    [Fact]
    public void Exactly_one_match_is_the_source()
    {
        Assert.Equal("/data/a", SourcePathResolution.SelectSingle("/data/a*", ["/data/a"]));
    }

    [Fact]
    public void No_match_is_source_not_found()
    {
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => SourcePathResolution.SelectSingle("/data/x*", []));
        Assert.Equal(ErrorIds.SourceNotFound, error.ErrorId);
        Assert.Contains("'/data/x*' matches no folder", error.Message);
    }

    [Fact]
    public void Several_matches_are_ambiguous_and_named()
    {
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => SourcePathResolution.SelectSingle("/d/*", ["/d/a", "/d/b", "/d/c", "/d/e"]));
        Assert.Equal(ErrorIds.SourceAmbiguous, error.ErrorId);
        Assert.Contains("matches 4 items ('/d/a', '/d/b', '/d/c', ...)", error.Message);
        Assert.Contains("-LiteralPath", error.Message);
    }

    [Fact]
    public void Only_the_file_system_provider_is_accepted()
    {
        SourcePathResolution.EnsureFileSystem("C:\\x", "FileSystem");
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => SourcePathResolution.EnsureFileSystem("HKLM:\\Software", "Registry"));
        Assert.Equal(ErrorIds.SourceNotAFolder, error.ErrorId);
        Assert.Contains("Registry provider", error.Message);
    }

    [Theory]
    [InlineData("AzBlobSync.SourceNotFound", CommandErrorCategory.ObjectNotFound)]
    [InlineData("ContainerNotFound", CommandErrorCategory.ObjectNotFound)]
    [InlineData("AzBlobSync.AuthenticationFailed", CommandErrorCategory.AuthenticationError)]
    [InlineData("AzBlobSync.AuthorizationFailed", CommandErrorCategory.PermissionDenied)]
    [InlineData("AzBlobSync.InvalidAccountKey", CommandErrorCategory.InvalidArgument)]
    [InlineData("AzBlobSync.ServiceUnreachable", CommandErrorCategory.ConnectionError)]
    [InlineData("AzBlobSync.LocalIoError", CommandErrorCategory.ReadError)]
    [InlineData("AzBlobSync.InvalidSource", CommandErrorCategory.InvalidArgument)]
    [InlineData("AzBlobSync.DestinationNotAFolder", CommandErrorCategory.InvalidArgument)]
    [InlineData("AzBlobSync.InvalidLocalName", CommandErrorCategory.InvalidData)]
    [InlineData("AzBlobSync.Md5Mismatch", CommandErrorCategory.InvalidResult)]
    [InlineData("AzBlobSync.MaxDeleteExceeded", CommandErrorCategory.LimitsExceeded)]
    [InlineData("AzBlobSync.SomethingNew", CommandErrorCategory.NotSpecified)]
    [InlineData(null, CommandErrorCategory.NotSpecified)]
    public void Error_ids_map_to_categories(string? id, CommandErrorCategory expected)
    {
        Assert.Equal(expected, ErrorIds.CategoryOf(id));
    }

    [Fact]
    public void Engine_ids_are_prefixed_once()
    {
        Assert.Equal("AzBlobSync.ContainerNotFound", ErrorIds.FromEngine("ContainerNotFound"));
        Assert.Equal("AzBlobSync.ContainerNotFound", ErrorIds.FromEngine("AzBlobSync.ContainerNotFound"));
        Assert.Equal(ErrorIds.InternalError, ErrorIds.FromEngine(null));
    }
}
