using System.Security.Cryptography;
using System.Text;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary>A temporary source folder the test builds file by file, knowing every file's bytes' MD5.</summary>
public sealed class TestTree : IDisposable
{
    private readonly Dictionary<string, string> md5ByRelativePath = new(StringComparer.Ordinal);

    public TestTree()
    {
        Root = Directory.CreateTempSubdirectory("azbs-src-").FullName;
    }

    public string Root { get; }

    /// <summary>Relative '/'-separated path → hex MD5 of the content.</summary>
    public IReadOnlyDictionary<string, string> Md5ByRelativePath => md5ByRelativePath;

    public int Count => md5ByRelativePath.Count;

    public string FullPath(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public void Write(string relative, byte[] content)
    {
        string full = FullPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        md5ByRelativePath[relative] = Convert.ToHexStringLower(MD5.HashData(content));
    }

    public void Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="size"/> bytes from a seeded generator: repeatable, not compressible by accident.</summary>
    public void WriteRandom(string relative, long size, int seed)
    {
        string full = FullPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var random = new Random(seed);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        int chunkSize = (int)Math.Clamp(size, 1, 1 << 20);
        using (var file = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            var chunk = new byte[chunkSize];
            for (long left = size; left > 0; left -= chunk.Length)
            {
                int n = (int)Math.Min(chunk.Length, left);
                random.NextBytes(chunk.AsSpan(0, n));
                file.Write(chunk, 0, n);
                md5.AppendData(chunk, 0, n);
            }
        }
        md5ByRelativePath[relative] = Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    /// <summary>Records a file the test created by other means (a symlink, ...) without a known hash.</summary>
    public void Forget(string relative) => md5ByRelativePath.Remove(relative);

    public static string Base64Md5OfHex(string hex) => Convert.ToBase64String(Convert.FromHexString(hex));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
