using System.Text;
using System.Text.Json;
using AzBlobSync.Engine;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Unit;

public sealed class JobSpecWriterTests
{
    private const string Key = "c2VjcmV0K2tleS93aXRoPXBhZGRpbmc+Pz8/";

    [Fact]
    public void Writes_exactly_the_fields_the_engine_accepts()
    {
        var options = new SyncOptions
        {
            Source = "/data/ü 中文",
            Destination = "http://127.0.0.1:1/devstoreaccount1/ccc/pre",
            PutMd5 = true,
            Concurrency = 7,
            AccountKey = Secrets.ToSecureString(Key),
            IncludeSkipped = true, // host-side only: must not reach the engine (it rejects unknown fields)
        };
        using var spec = JobSpecWriter.Write(options, dryRun: true);
        using var json = JsonDocument.Parse(spec.WrittenSpan.ToArray());
        var root = json.RootElement;

        Assert.Equal(
            ["operation", "source", "destination", "putMd5", "dryRun", "concurrency", "accountKey", "blockSizeBytes"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("sync", root.GetProperty("operation").GetString());
        Assert.Equal("/data/ü 中文", root.GetProperty("source").GetString());
        Assert.True(root.GetProperty("putMd5").GetBoolean());
        Assert.True(root.GetProperty("dryRun").GetBoolean());
        Assert.Equal(7, root.GetProperty("concurrency").GetInt32());
        Assert.Equal(Key, root.GetProperty("accountKey").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("blockSizeBytes").ValueKind);
    }

    [Fact]
    public void Without_key_or_concurrency_writes_nulls_so_the_engine_uses_its_defaults()
    {
        using var spec = JobSpecWriter.Write(new SyncOptions { Source = "/s", Destination = "http://127.0.0.1:1/a/ccc" }, dryRun: false);
        var root = JsonDocument.Parse(spec.WrittenSpan.ToArray()).RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("accountKey").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("concurrency").ValueKind);
        Assert.False(root.GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public void Disposing_the_spec_wipes_the_key_from_the_buffer()
    {
        var spec = JobSpecWriter.Write(new SyncOptions { Source = "/s", Destination = "http://127.0.0.1:1/a/ccc", AccountKey = Secrets.ToSecureString(Key) }, false);
        byte[] keyBytes = Encoding.UTF8.GetBytes("c2VjcmV0");
        Assert.True(spec.WrittenSpan.IndexOf(keyBytes) >= 0);
        var bufferField = typeof(ZeroingBufferWriter).GetField("buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var buffer = (byte[])bufferField.GetValue(spec)!;
        spec.Dispose();
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Growing_the_buffer_keeps_content_and_wipes_the_old_array()
    {
        using var writer = new ZeroingBufferWriter(256);
        var bufferField = typeof(ZeroingBufferWriter).GetField("buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var first = (byte[])bufferField.GetValue(writer)!;
        writer.GetSpan(200)[..200].Fill(7);
        writer.Advance(200);
        writer.GetSpan(1000);
        Assert.All(first, b => Assert.Equal(0, b));
        Assert.Equal(200, writer.WrittenSpan.Length);
        Assert.All(writer.WrittenSpan.ToArray(), b => Assert.Equal(7, b));
    }

    [Fact]
    public void Options_ToString_shows_neither_key_nor_signature()
    {
        var options = new SyncOptions
        {
            Source = "/s",
            Destination = "https://acct.blob.core.windows.net/ccc?sv=1&sig=SIGNATURE123",
            AccountKey = Secrets.ToSecureString(Key),
        };
        string shown = options.ToString();
        Assert.DoesNotContain("SIGNATURE123", shown);
        Assert.DoesNotContain(Key, shown);
        Assert.Contains("AccountKey=set", shown);
        Assert.Contains("sig=REDACTED", shown);
    }
}
