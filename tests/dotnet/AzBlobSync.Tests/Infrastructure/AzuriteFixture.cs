using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary>
/// Starts Azurite's blob service on a free loopback port for the test collection and kills its
/// process tree afterwards. Each test makes its own container, so tests never see each other's blobs.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    public static readonly string AccountName = AzuriteDefinition.Load().Account;

    /// <summary>Azurite's well-known development key (public, not a secret), from tests/azurite.json.</summary>
    public static readonly string AccountKey = AzuriteDefinition.Load().AccountKey;

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(AzuriteDefinition.Load().StartTimeoutSeconds);
    private static int containerCounter;

    private readonly Process process;
    private readonly string scheme;
    private readonly string workDirectory;

    public AzuriteFixture()
        : this(Array.Empty<string>(), caBundle: null)
    {
    }

    /// <summary>Azurite with <paramref name="extraArguments"/>; with <paramref name="caBundle"/> it serves HTTPS under that CA.</summary>
    internal AzuriteFixture(IReadOnlyList<string> extraArguments, string? caBundle)
    {
        scheme = caBundle is null ? "http" : "https";
        string azurite = RepoRoot.Combine(AzuriteDefinition.Load().Binary.Split('/'));
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({azurite} is missing). Run the build, or `npm ci --prefix tests/tools`, first.");
        }
        Port = FreeLoopbackPort();
        workDirectory = Directory.CreateTempSubdirectory("azurite-").FullName;
        var start = new ProcessStartInfo(azurite)
        {
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString() }
                     .Concat(AzuriteDefinition.Load().Arguments)
                     .Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }
        process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        WaitUntilListening(() => { lock (output) { return output.ToString(); } });

        ConnectionString =
            $"DefaultEndpointsProtocol={scheme};AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";
        Oracle = new BlobOracle(ConnectionString, caBundle);
    }

    public int Port { get; }

    public string BlobEndpoint => $"{scheme}://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString { get; }

    public BlobOracle Oracle { get; }

    /// <summary>Creates a container with a unique name (through the oracle, not our engine).</summary>
    public string NewContainer(string hint)
    {
        string unique = $"{hint}-{Interlocked.Increment(ref containerCounter)}-{Guid.NewGuid():N}";
        string name = (unique.Length > 63 ? unique[..63] : unique).TrimEnd('-');
        Oracle.CreateContainer(name);
        return name;
    }

    /// <summary>The container URL the engine takes, with an optional (URL-escaped) prefix.</summary>
    public string ContainerUrl(string container, string? prefix = null) =>
        prefix is null
            ? $"{BlobEndpoint}/{container}"
            : $"{BlobEndpoint}/{container}/{string.Join('/', prefix.Split('/').Select(Uri.EscapeDataString))}";

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        finally
        {
            process.Dispose();
            try
            {
                Directory.Delete(workDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind harms nothing.
            }
        }
    }

    private void WaitUntilListening(Func<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartupTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited ({process.ExitCode}) before listening on port {Port}: {output()}");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"Azurite did not listen on port {Port} within {StartupTimeout}: {output()}");
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
