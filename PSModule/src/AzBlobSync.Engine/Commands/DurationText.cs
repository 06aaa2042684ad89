using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AzBlobSync.Commands;

/// <summary>
/// Durations as people type them for -MinAge/-MaxAge: a whole number with a unit (<c>500ms</c>,
/// <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>, the engine's own spelling) or a TimeSpan
/// (<c>7.00:00:00</c>). A bare number is refused: PowerShell would read it as ticks.
/// </summary>
public static partial class DurationText
{
    /// <summary>What to tell someone whose value was not understood.</summary>
    public const string Expected = "give a TimeSpan (e.g. (New-TimeSpan -Days 7) or '7.00:00:00') or a number with a unit: 90s, 30m, 12h, 7d";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        Match match = WithUnit().Match(text.Trim());
        if (match.Success)
        {
            if (!long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                return false;
            }
            try
            {
                value = match.Groups["unit"].Value.ToLowerInvariant() switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromDays(n),
                };
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        // A TimeSpan has a ':' or a '.'; a bare number here would be days to TimeSpan.Parse but ticks to PowerShell: refuse it.
        return text.AsSpan().IndexOfAny(":.") >= 0
            && TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out value)
            && value >= TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(?<n>\d+)\s*(?<unit>ms|s|m|h|d)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WithUnit();
}
