using System.Text.Json;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary>
/// The independent judge of what is in a container: Azure's own Python SDK through
/// tests/oracle/blob_oracle.py. Our engine is never used to check itself.
/// </summary>
public sealed class BlobOracle(string connectionString, string? caBundle = null)
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string Script => RepoRoot.Combine("tests", "oracle", "blob_oracle.py");

    public void CreateContainer(string container) => Run("create-container", container);

    public IReadOnlyList<string> Names(string container, string? prefix = null) =>
        Lines(prefix is null ? Run("names", container) : Run("names", container, prefix));

    /// <summary>Every committed blob with its properties and the MD5 of its downloaded bytes.</summary>
    public IReadOnlyList<OracleBlob> Inventory(string container, string? prefix = null) =>
        Lines(prefix is null ? Run("inventory", container) : Run("inventory", container, prefix))
            .Select(line => JsonSerializer.Deserialize<OracleBlob>(line) ?? throw new InvalidDataException($"oracle printed '{line}'"))
            .ToList();

    public int UncommittedBlocks(string container, string blob) => int.Parse(Run("uncommitted", container, blob).Trim());

    public void Put(string container, string blob, string file) => Run("put", container, blob, file);

    /// <summary>Uploads <paramref name="file"/> with a Content-MD5 property of the test's choosing (to make a mismatch).</summary>
    public void PutClaimingMd5(string container, string blob, string file, string base64Md5) =>
        Run("put-claiming-md5", container, blob, file, base64Md5);

    /// <summary>The container's URL with a one-day SAS (a real signature, to check it never shows).</summary>
    public string SasUrl(string container, string permissions = "rwdl") => Run("sas", container, permissions).Trim();

    private string Run(params string[] arguments)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing; the oracle needs Debian's python3 with python3-azure-storage.");
        }
        var result = ProcessRunner.Run(
            Python,
            [Script, connectionString, .. arguments],
            Timeout,
            new Dictionary<string, string?> { ["PYTHONIOENCODING"] = "utf-8", ["REQUESTS_CA_BUNDLE"] = caBundle });
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"blob_oracle.py {arguments[0]} failed ({result.ExitCode}): {result.StandardError.Trim()}");
        }
        return result.StandardOutput;
    }

    private static List<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
}
