using System;
using System.Collections;
using System.Collections.Generic;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>Name/value upload properties (-Metadata, -Tag) from the hashtable a person typed.</summary>
public static class PropertyTable
{
    /// <summary>
    /// The entries of <paramref name="table"/> as text (<paramref name="toText"/> converts keys and values; PowerShell's
    /// conversion is culture-invariant); a null value becomes an empty string, a null table an empty map. Names that
    /// differ only in case are refused: the service does not tell them apart.
    /// </summary>
    /// <exception cref="AzBlobSyncException">An empty name, or two names that differ only in case (InvalidSpec).</exception>
    public static IReadOnlyDictionary<string, string> From(IDictionary? table, string parameterName, Func<object?, string?> toText)
    {
        ArgumentNullException.ThrowIfNull(toText);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (table is null)
        {
            return values;
        }
        foreach (DictionaryEntry entry in table)
        {
            string name = toText(entry.Key)?.Trim() ?? string.Empty;
            if (name.Length == 0)
            {
                throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"-{parameterName} has an empty name; every entry needs one.");
            }
            if (!values.TryAdd(name, toText(entry.Value) ?? string.Empty))
            {
                throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"-{parameterName} names '{name}' twice (names are not case-sensitive).", name);
            }
        }
        return values;
    }
}
