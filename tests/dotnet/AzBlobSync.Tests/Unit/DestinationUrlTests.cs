using AzBlobSync.Commands;
using AzBlobSync.Destination;
using AzBlobSync.Errors;
using AzBlobSync.Spec;

namespace AzBlobSync.Tests.Unit;

/// <summary>
/// Container URLs as the engine parses them (the only parser, asked through <c>azbs_spec_check</c>), and the
/// engine's redaction as the .NET layer uses it.
/// </summary>
public sealed class DestinationUrlTests
{
    /// <summary>An upload's destination, parsed by the engine (the source is a folder that exists).</summary>
    private static EngineEnd Parse(string raw) =>
        JobEndpoints.Validate(new SyncOptions { Direction = SyncDirection.Upload, Source = AppContext.BaseDirectory, Destination = raw }).Container;

    [Fact]
    public void Parses_host_style_with_prefix_and_sas_and_never_shows_the_signature()
    {
        var url = Parse("https://acct.blob.core.windows.net/backups/nightly/db?sv=2024&sig=abc%2BSECRET&sp=rwl");
        Assert.Equal(("acct", "backups", "nightly/db", true), (url.Account, url.Container, url.Prefix, url.HasSas));
        Assert.DoesNotContain("SECRET", url.Display);
        Assert.DoesNotContain("SECRET", url.ToString());
        Assert.Contains("sig=REDACTED", url.Display);
    }

    [Fact]
    public void Parses_emulator_path_style_and_decodes_the_prefix()
    {
        var url = Parse("http://127.0.0.1:10000/devstoreaccount1/data/a%20b/%C3%A9/");
        Assert.Equal(("devstoreaccount1", "data", "a b/é", false), (url.Account, url.Container, url.Prefix, url.HasSas));
        var local = Parse("http://localhost:1/acct/ccc");
        Assert.Equal(("acct", "ccc", ""), (local.Account, local.Container, local.Prefix));
        Assert.Equal("acct", Parse("http://[::1]:10000/acct/ccc").Account);
    }

    [Theory]
    [InlineData("not a url", "not an absolute URL")]
    [InlineData("", "it is empty")]
    [InlineData("ftp://acct.blob.core.windows.net/c", "scheme")]
    [InlineData("https://acct.blob.core.windows.net/", "no container")]
    [InlineData("http://127.0.0.1:10000/", "no account")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1", "no container")]
    [InlineData("https://acct.blob.core.windows.net/Bad_Name", "container name 'Bad_Name' is not valid")]
    [InlineData("https://acct.blob.core.windows.net/ab", "is not valid")]
    [InlineData("https://acct.blob.core.windows.net/a--b", "is not valid")]
    [InlineData("https://acct.blob.core.windows.net/-ab", "is not valid")]
    [InlineData("/local/folder", "not an absolute URL")]
    public void Rejects_malformed_urls_with_a_one_line_reason(string raw, string expected)
    {
        var error = Assert.Throws<SpecRefusedException>(() => Parse(raw));
        Assert.Equal(ErrorIds.InvalidDestination, error.ErrorId);
        Assert.Equal(CommandErrorCategory.InvalidArgument, error.Category);
        Assert.Equal(SpecConcern.Destination, error.Concern);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("$root")]
    [InlineData("$web")]
    [InlineData("abc")]
    [InlineData("a-1-b")]
    public void Accepts_valid_and_special_container_names(string name)
    {
        Assert.Equal(name, Parse($"https://acct.blob.core.windows.net/{name}").Container);
    }

    [Fact]
    public void Error_for_a_malformed_url_hides_the_signature()
    {
        var error = Assert.Throws<SpecRefusedException>(() => Parse("https://acct.blob.core.windows.net/?sv=1&sig=TOPSECRET"));
        Assert.DoesNotContain("TOPSECRET", error.Message);
        Assert.DoesNotContain("TOPSECRET", error.Target?.ToString());
    }

    [Theory]
    [InlineData("https://a/c?sv=1&sig=xyz&sp=r", "https://a/c?sv=1&sig=REDACTED&sp=r")]
    [InlineData("https://a/c?SIG=xyz", "https://a/c?SIG=REDACTED")]
    [InlineData("GET https://a/c?sig=abc%2F failed; sig=zz end", "GET https://a/c?sig=REDACTED failed; sig=REDACTED end")]
    [InlineData("https://a/c?xsig=keep&sig=", "https://a/c?xsig=keep&sig=REDACTED")]
    [InlineData("https://a/c", "https://a/c")]
    [InlineData("", "")]
    public void Redacts_every_signature_and_nothing_else(string input, string expected)
    {
        Assert.Equal(expected, SecretRedaction.RedactSignatures(input));
    }
}

public sealed class MessageTextTests
{
    [Theory]
    [InlineData("one line", "one line")]
    [InlineData("regex parse error:\n    (\n    ^\nerror: unclosed group", "regex parse error: ( ^ error: unclosed group")]
    [InlineData("a  \r\n  b\n", "a b")]
    [InlineData("GET https://a/c?sv=1&sig=abc failed\n", "GET https://a/c?sv=1&sig=REDACTED failed")]
    [InlineData(null, "")]
    public void Engine_messages_become_one_line_without_signatures(string? input, string expected)
    {
        Assert.Equal(expected, AzBlobSync.Errors.MessageText.FromEngine(input));
    }
}
