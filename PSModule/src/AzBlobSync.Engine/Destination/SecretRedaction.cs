using System;
using System.Text;

namespace AzBlobSync.Destination;

/// <summary>Hides SAS signatures (<c>sig=</c>) in anything shown to people: messages, ToString, targets.</summary>
public static class SecretRedaction
{
    public const string Marker = "REDACTED";

    /// <summary>Replaces the value of every <c>sig=</c> (any case) up to the next '&amp;', whitespace or quote.</summary>
    public static string RedactSignatures(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }
        var output = new StringBuilder(text.Length);
        int position = 0;
        while (true)
        {
            int found = text.IndexOf("sig=", position, StringComparison.OrdinalIgnoreCase);
            // Only a parameter name "sig", not the tail of "xsig=": it must start the text or follow ?, & or ;.
            while (found > 0 && text[found - 1] is not ('?' or '&' or ';') && !char.IsWhiteSpace(text[found - 1]))
            {
                found = text.IndexOf("sig=", found + 4, StringComparison.OrdinalIgnoreCase);
            }
            if (found < 0)
            {
                output.Append(text, position, text.Length - position);
                return output.ToString();
            }
            int valueStart = found + 4;
            output.Append(text, position, valueStart - position).Append(Marker);
            int valueEnd = valueStart;
            while (valueEnd < text.Length && text[valueEnd] is not ('&' or '"' or '\'' or '#') && !char.IsWhiteSpace(text[valueEnd]))
            {
                valueEnd++;
            }
            position = valueEnd;
        }
    }
}
