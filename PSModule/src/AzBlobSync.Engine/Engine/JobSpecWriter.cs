using System;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AzBlobSync.Engine;

/// <summary>
/// Writes the engine's job spec (camelCase JSON; the engine rejects unknown fields). The account key
/// goes from the SecureString's unmanaged copy straight into a wiped buffer: it never becomes a string.
/// </summary>
internal static class JobSpecWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Paths with non-ASCII names stay readable if a spec is ever inspected; the engine reads any valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The spec as UTF-8 in a buffer the caller must dispose (which wipes it).</summary>
    public static ZeroingBufferWriter Write(SyncOptions options, bool dryRun)
    {
        var output = new ZeroingBufferWriter(512 + 3 * (options.Source.Length + options.Destination.Length));
        try
        {
            using var json = new Utf8JsonWriter(output, WriterOptions);
            json.WriteStartObject();
            json.WriteString("operation", "sync");
            json.WriteString("source", options.Source);
            json.WriteString("destination", options.Destination);
            json.WriteBoolean("putMd5", options.PutMd5);
            json.WriteBoolean("dryRun", dryRun);
            if (options.Concurrency is int concurrency)
            {
                json.WriteNumber("concurrency", concurrency);
            }
            else
            {
                json.WriteNull("concurrency");
            }
            WriteAccountKey(json, options);
            json.WriteNull("blockSizeBytes");
            json.WriteEndObject();
            json.Flush();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static unsafe void WriteAccountKey(Utf8JsonWriter json, SyncOptions options)
    {
        if (options.AccountKey is null || options.AccountKey.Length == 0)
        {
            json.WriteNull("accountKey");
            return;
        }
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(options.AccountKey);
        try
        {
            var key = new ReadOnlySpan<char>((char*)unmanaged, options.AccountKey.Length);
            json.WriteString("accountKey", key.Trim());
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }
}
