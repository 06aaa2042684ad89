using System;
using System.Text;
using AzBlobSync.Native;

namespace AzBlobSync.Destination;

/// <summary>
/// Hides SAS signatures (<c>sig=</c>) in anything shown to people: messages, ToString, targets. The
/// rule is the engine's (<c>azbs_redact</c>, native/core/src/spec/redaction.rs); this only asks it.
/// </summary>
public static class SecretRedaction
{
    public const string Marker = "REDACTED";

    /// <summary>
    /// The text with the value of every <c>sig=</c> parameter replaced by <see cref="Marker"/>. Should the engine
    /// not load, everything after a '?' is hidden instead: never less than the engine would hide.
    /// </summary>
    public static string RedactSignatures(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }
        try
        {
            return NativeText.Call(
                "redaction",
                Encoding.UTF8.GetBytes(text),
                (ref byte input, ulong length, ref byte buffer, ulong capacity, ref ulong written) =>
                    Interop.azbs_redact(ref input, length, ref buffer, capacity, ref written));
        }
        catch (Exception e) when (e is Errors.AzBlobSyncException or DllNotFoundException or EntryPointNotFoundException)
        {
            return HideEveryQuery(text);
        }
    }

    /// <summary>The fail-safe: any query string, and any bare <c>sig=</c>, is hidden whole.</summary>
    private static string HideEveryQuery(string text)
    {
        int query = text.IndexOf('?', StringComparison.Ordinal);
        string kept = query < 0 ? text : text[..query] + "?" + Marker;
        return kept.Contains("sig=", StringComparison.OrdinalIgnoreCase) ? Marker : kept;
    }
}
