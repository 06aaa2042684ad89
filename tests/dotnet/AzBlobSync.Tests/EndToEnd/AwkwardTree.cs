using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// Builds the nested source tree the end-to-end tests sync: names with spaces, '#', '%', '+', '&amp;',
/// quotes, accents, CJK and emoji, a zero-byte file, and one file large enough to go in blocks.
/// </summary>
internal static class AwkwardTree
{
    public const string ZeroByteFile = "empty file.bin";
    public const string LargeFile = "big/large 20MiB + tail.bin";

    /// <summary>20 MiB and a bit: three 8 MiB blocks, the last one short.</summary>
    public const long LargeFileSize = (20L << 20) + 12345;

    private static readonly string[] Folders =
    [
        "docs", "photos 2024", "ünïcödé/café", "中文目录", "hash#dir", "pct%25dir/100%", "emoji 🎉/nested/deeper", "plus+and&amp",
    ];

    private static readonly string[] Stems =
    [
        "file {0:000}.txt", "café-{0}.md", "über#{0}.bin", "100%-{0}.dat", "文件{0}.txt", "rocket🚀{0}.log", "plus+and&{0}.csv", "it's {0}.txt",
    ];

    /// <summary>Writes <paramref name="total"/> files (including the zero-byte and the large one).</summary>
    public static void Build(TestTree tree, int total)
    {
        tree.Write(ZeroByteFile, Array.Empty<byte>());
        tree.WriteRandom(LargeFile, LargeFileSize, seed: 20);
        var random = new Random(500);
        for (int i = 0; tree.Count < total; i++)
        {
            string folder = Folders[i % Folders.Length];
            string name = string.Format(Stems[(i / Folders.Length) % Stems.Length], i);
            tree.WriteRandom($"{folder}/{name}", random.Next(1, 8192), seed: i);
        }
    }
}
