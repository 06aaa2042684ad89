using System.Net;
using System.Net.Sockets;
using System.Text;
using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>Each kind of bad input ends in one clear line with a stable error id, from the .NET checks and from the engine's own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(AzuriteFixture azurite) : IDisposable
{
    private const string WrongKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private AzBlobSyncException RunExpectingFailure(SyncOptions options)
    {
        var host = new RecordingHost();
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => new SyncCommand(host).Run(options));
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, error.Message);
        Assert.DoesNotContain(WrongKey, error.Message);
        Assert.Empty(host.Summaries);
        return error;
    }

    private SyncOptions Valid(string container, string? key = null)
    {
        key ??= AzuriteFixture.AccountKey;
        tree.Write("f.txt", "x");
        return new SyncOptions { Source = tree.Root, Destination = azurite.ContainerUrl(container), AccountKey = Secrets.ToSecureString(key) };
    }

    [Fact]
    public void Missing_source_folder()
    {
        string missing = Path.Combine(tree.Root, "no such folder");
        var error = RunExpectingFailure(Valid("anything") with { Source = missing });
        Assert.Equal("AzBlobSync.SourceNotFound", error.ErrorId);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Malformed_destination_url()
    {
        var error = RunExpectingFailure(Valid("anything") with { Destination = "http//127.0.0.1/devstoreaccount1?sig=SECRETSIG" });
        Assert.Equal("AzBlobSync.InvalidDestination", error.ErrorId);
        Assert.DoesNotContain("SECRETSIG", error.Message);
    }

    [Fact]
    public void Container_that_does_not_exist()
    {
        var error = RunExpectingFailure(Valid("no-such-container"));
        Assert.IsType<JobFailedException>(error);
        Assert.Equal("AzBlobSync.ContainerNotFound", error.ErrorId);
        Assert.Equal(CommandErrorCategory.ObjectNotFound, error.Category);
        Assert.Contains("no-such-container", error.Message);
    }

    [Fact]
    public void Wrong_account_key()
    {
        string container = azurite.NewContainer("wrong-key");
        var error = RunExpectingFailure(Valid(container, WrongKey));
        Assert.Equal("AzBlobSync.AuthenticationFailed", error.ErrorId);
        Assert.Equal(CommandErrorCategory.AuthenticationError, error.Category);
        Assert.Empty(azurite.Oracle.Names(container));
    }

    [Fact]
    public void Account_key_that_is_not_base64()
    {
        var error = RunExpectingFailure(Valid(azurite.NewContainer("bad-key"), "not base64 at all!"));
        Assert.Equal("AzBlobSync.InvalidAccountKey", error.ErrorId);
        Assert.DoesNotContain("not base64 at all!", error.Message);
    }

    /// <summary>The engine retries a refused connection for a while (about 13 s) before giving up; the test bounds it generously.</summary>
    [Fact]
    public void Nothing_listening_at_the_endpoint()
    {
        int closedPort = ClosedLoopbackPort();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = RunExpectingFailure(Valid("ccc") with { Destination = $"http://127.0.0.1:{closedPort}/devstoreaccount1/ccc" });
        Assert.Equal("AzBlobSync.ServiceUnreachable", error.ErrorId);
        Assert.Equal(CommandErrorCategory.ConnectionError, error.Category);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"took {clock.Elapsed} to report an unreachable endpoint");
    }

    [Fact]
    public void A_download_into_a_file_is_refused_by_the_module_and_by_the_engine()
    {
        tree.Write("a-file.txt", "not a folder");
        var download = new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = azurite.ContainerUrl("ccc"),
            Destination = tree.FullPath("a-file.txt"),
        };
        Assert.Equal("AzBlobSync.DestinationNotAFolder", RunExpectingFailure(download).ErrorId);

        // With credentials and a container that exists: the engine now checks both before it looks at the local end.
        string spec = System.Text.Json.JsonSerializer.Serialize(new
        {
            operation = "sync",
            source = azurite.ContainerUrl(azurite.NewContainer("into-a-file")),
            destination = tree.FullPath("a-file.txt"),
            accountKey = AzuriteFixture.AccountKey,
        });
        using SyncJob job = SyncJob.StartRaw(Encoding.UTF8.GetBytes(spec));
        Assert.Equal("AzBlobSync.DestinationNotAFolder", DrainToSummary(job, out _).ErrorId);
    }

    [Fact]
    public void A_malformed_source_url_is_reported_as_the_source_without_its_signature()
    {
        var error = RunExpectingFailure(new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = "https//acct.blob.core.windows.net/c?sv=1&sig=SECRETSIG",
            Destination = tree.Root,
        });
        Assert.Equal("AzBlobSync.InvalidSource", error.ErrorId);
        Assert.StartsWith("Source '", error.Message);
        Assert.DoesNotContain("SECRETSIG", error.Message);
    }

    // The engine's own checks, reached by sending it a spec the .NET layer would have refused.
    [Theory]
    [InlineData("""{"operation":"sync","source":"/definitely/not/here","destination":"http://127.0.0.1:1/devstoreaccount1/ccc"}""", "AzBlobSync.SourceNotFound")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http//127.0.0.1:1/a/ccc"}""", "AzBlobSync.InvalidDestination")]
    [InlineData("""{"operation":"sync","source":"/","destination":"not a url"}""", "AzBlobSync.InvalidSpec")] // neither end is a URL
    [InlineData("""{"operation":"sync","source":"http://127.0.0.1:1/a/ccc","destination":"http://127.0.0.1:1/b/ddd"}""", "AzBlobSync.InvalidSpec")] // between accounts, no SAS on the source
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","checkMd5":"Sometimes"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","includeAfter":"2026-01-31"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","minAge":"3600"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","includePattern":["[a"]}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","colour":"blue"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","concurrency":0}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"copy","source":"/","destination":"http://127.0.0.1:1/a/ccc","recursive":true,"deleteDestination":true}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"copy","source":"/","destination":"http://127.0.0.1:1/a/ccc","overwrite":"sometimes"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","compareHash":"SHA1"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","metadata":{"mtime":"forged"}}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","metadata":{"a-b":"x"}}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","tags":{"1":"","2":"","3":"","4":"","5":"","6":"","7":"","8":"","9":"","10":"","11":""}}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"sync","source":"/","destination":"http://127.0.0.1:1/a/ccc","accessTier":"Lukewarm"}""", "AzBlobSync.InvalidSpec")]
    [InlineData("""{"operation":"copy","source":"http//127.0.0.1:1/a/ccc/*","destination":"/tmp"}""", "AzBlobSync.InvalidSource")]
    [InlineData("""not json""", "AzBlobSync.InvalidSpec")]
    [InlineData("", "AzBlobSync.InvalidSpec")]
    public void The_engine_reports_a_bad_spec_as_a_failed_summary(string spec, string expectedErrorId)
    {
        using SyncJob job = SyncJob.StartRaw(Encoding.UTF8.GetBytes(spec));
        JobSummary summary = DrainToSummary(job, out var files);

        Assert.Empty(files);
        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.Equal(expectedErrorId, summary.ErrorId);
        Assert.False(string.IsNullOrWhiteSpace(summary.Error));
        Assert.DoesNotContain('\n', summary.Error);
    }

    [Fact]
    public void The_engine_reports_an_invalid_regex_in_one_line()
    {
        using SyncJob job = SyncJob.StartRaw("""{"source":"/","destination":"http://127.0.0.1:1/a/ccc","includeRegex":["("]}"""u8);
        JobSummary summary = DrainToSummary(job, out _);
        Assert.Equal("AzBlobSync.InvalidSpec", summary.ErrorId);
        Assert.DoesNotContain('\n', summary.Error!);
    }

    [Fact]
    public void An_invalid_regex_is_one_line_naming_the_filter_by_the_time_it_reaches_the_user()
    {
        var error = RunExpectingFailure(Valid("ccc") with { IncludeRegex = ["ok", "("] });
        // The engine's spec check refuses it before any job starts (its rule, its message).
        Assert.Equal(AzBlobSync.Spec.SpecConcern.Options, Assert.IsType<AzBlobSync.Spec.SpecRefusedException>(error).Concern);
        Assert.Equal("AzBlobSync.InvalidSpec", error.ErrorId);
        Assert.Contains("include-regex: not a valid regular expression: regex parse error: ( ^ error: unclosed group", error.Message);
    }

    internal static JobSummary DrainToSummary(SyncJob job, out List<TransferResult> files)
    {
        files = [];
        JobSummary? summary = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            EnginePoll poll = job.Poll(TimeSpan.FromMilliseconds(200));
            files.AddRange(poll.Files);
            summary ??= poll.Summary;
            if (poll.IsFinished)
            {
                return summary ?? throw new Xunit.Sdk.XunitException("finished without a summary");
            }
        }
        throw new TimeoutException("the job did not finish within 60 s");
    }

    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
