using System.Text.RegularExpressions;

namespace AzBlobSync.Errors;

/// <summary>Engine text made fit for an error record: one line, no secrets.</summary>
public static partial class MessageText
{
    /// <summary>
    /// Joins a multi-line message into one line (a line break and the indentation after it become one
    /// space), and redacts SAS signatures. Some engine errors quote a library's multi-line diagnostic
    /// (e.g. an invalid regular expression's caret diagram).
    /// </summary>
    public static string FromEngine(string? message) =>
        Destination.SecretRedaction.RedactSignatures(LineBreaks().Replace(message ?? string.Empty, " ").Trim());

    [GeneratedRegex(@"[ \t]*\r?\n\s*")]
    private static partial Regex LineBreaks();
}
