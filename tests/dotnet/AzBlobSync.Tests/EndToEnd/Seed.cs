using System.Security.Cryptography;
using System.Text;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>Puts blobs behind the engine's back with the oracle (Azure's Python SDK), and reads local folders back.</summary>
internal static class Seed
{
    /// <summary>Uploads each (blob name → content) through the oracle, a few at a time; returns blob name → hex MD5.</summary>
    public static Dictionary<string, string> Blobs(BlobOracle oracle, string container, IReadOnlyDictionary<string, byte[]> blobs)
    {
        string staging = Directory.CreateTempSubdirectory("azbs-seed-").FullName;
        try
        {
            var files = blobs.Select((kv, i) => (Blob: kv.Key, Content: kv.Value, File: Path.Combine(staging, $"{i}.bin"))).ToList();
            foreach (var f in files)
            {
                File.WriteAllBytes(f.File, f.Content);
            }
            // Each oracle call starts Python (~0.6 s); run a few side by side.
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, f => oracle.Put(container, f.Blob, f.File));
            return files.ToDictionary(f => f.Blob, f => Md5Hex(f.Content), StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    public static Dictionary<string, string> Blobs(BlobOracle oracle, string container, params (string Blob, string Text)[] blobs) =>
        Blobs(oracle, container, blobs.ToDictionary(b => b.Blob, b => Encoding.UTF8.GetBytes(b.Text), StringComparer.Ordinal));

    /// <summary>Every file under <paramref name="root"/> (hidden and temporary ones too), as '/'-separated relative path → hex MD5.</summary>
    public static Dictionary<string, string> LocalFiles(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .ToDictionary(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), f => Md5Hex(File.ReadAllBytes(f)), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    public static string Md5Hex(byte[] content) => Convert.ToHexStringLower(MD5.HashData(content));
}
