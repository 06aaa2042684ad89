using System;
using System.Collections.Generic;
using System.IO;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// A copy's ends as people type them, AzCopy's way: a trailing <c>\*</c> or <c>/*</c> means the folder's
/// contents (<c>C:\data\*</c> copies what is in data), the folder alone means the folder itself (it lands
/// under its own name, and needs Recursive). PowerShell would expand that '*' into every child, so the
/// cmdlet splits the marker off, resolves the folder part through its provider and puts the marker back.
/// Pure string functions (plus <see cref="Absolute"/>, which asks the current folder), tested with Windows
/// paths on any OS.
/// </summary>
public static class CopySourcePath
{
    /// <summary>
    /// True when <paramref name="typed"/> ends with <c>\*</c> or <c>/*</c>; <paramref name="folder"/> is then the
    /// text without the '*', its separator kept (<c>C:\data\*</c> → <c>C:\data\</c>, <c>C:\*</c> → <c>C:\</c>,
    /// <c>/*</c> → <c>/</c>), so a root stays a root.
    /// </summary>
    public static bool TrySplitContents(string typed, out string folder)
    {
        ArgumentNullException.ThrowIfNull(typed);
        if (typed.EndsWith("\\*", StringComparison.Ordinal) || typed.EndsWith("/*", StringComparison.Ordinal))
        {
            folder = typed[..^1];
            return true;
        }
        folder = typed;
        return false;
    }

    /// <summary>
    /// The engine's source for a folder's contents: the folder without trailing separators, then
    /// <paramref name="separator"/> and '*' (<c>C:\data</c> or <c>C:\data\</c> → <c>C:\data\*</c>,
    /// <c>C:\</c> → <c>C:\*</c>, <c>\\server\share\dir</c> → <c>\\server\share\dir\*</c>, <c>/</c> → <c>/*</c>).
    /// </summary>
    public static string Contents(string folder, char separator)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return folder.TrimEnd('\\', '/') + separator + "*";
    }

    /// <summary>
    /// What one -Path (or -LiteralPath) value of Copy-AzBlob names, in the engine's terms. With the contents
    /// marker: the folder part, resolved by <paramref name="resolve"/>, must be exactly one folder, and the
    /// result is that folder's contents (<see cref="Contents"/>). Without it: every item
    /// <paramref name="resolve"/> returns (a wildcard may match several; each is copied on its own).
    /// </summary>
    /// <param name="typed">The value as typed, e.g. <c>C:\data\*</c>, <c>\\server\share\dir\*</c>, <c>C:\data</c>, <c>C:\data\*.csv</c>.</param>
    /// <param name="resolve">PowerShell's resolution of a path (wildcards expanded for -Path, taken literally for -LiteralPath) to file-system paths.</param>
    /// <param name="separator">The separator to put back before the '*' (the platform's).</param>
    /// <exception cref="AzBlobSyncException">Nothing matched (SourceNotFound), or a contents marker after a wildcard that matched several folders (SourceAmbiguous).</exception>
    public static IReadOnlyList<string> Resolve(string typed, Func<string, IReadOnlyList<string>> resolve, char separator)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(resolve);
        if (TrySplitContents(typed, out string folder))
        {
            return [Contents(SourcePathResolution.SelectSingle(folder, resolve(folder)), separator)];
        }
        IReadOnlyList<string> items = resolve(typed);
        if (items.Count == 0)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"Source path '{typed}' matches nothing; check the path.", typed);
        }
        return items;
    }

    /// <summary>
    /// A trailing separator on a download's destination says "into this folder" to a copy of one blob
    /// (<c>C:\restore\</c>: the blob keeps its name inside restore; <c>C:\restore\new.csv</c>: the file is
    /// named), so it must survive path resolution: put back on <paramref name="resolved"/> when
    /// <paramref name="typed"/> had one and resolution dropped it.
    /// </summary>
    public static string KeepTrailingSeparator(string typed, string resolved, char separator)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(resolved);
        bool typedHasOne = typed.EndsWith('\\') || typed.EndsWith('/');
        bool resolvedHasOne = resolved.EndsWith('\\') || resolved.EndsWith('/');
        return typedHasOne && !resolvedHasOne && resolved.Length > 0 ? resolved + separator : resolved;
    }

    /// <summary>
    /// A download source's contents marker, before the SAS query: <c>https://a/c/dir/*?sv=..</c> →
    /// (<c>https://a/c/dir?sv=..</c>, true); any other URL → (itself, false). Same rule as the engine.
    /// </summary>
    public static (string Url, bool ContentsOnly) SplitUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int query = url.IndexOf('?');
        string path = query < 0 ? url : url[..query];
        string rest = query < 0 ? string.Empty : url[query..];
        return path.EndsWith("/*", StringComparison.Ordinal) ? (path[..^2] + rest, true) : (url, false);
    }

    /// <summary>
    /// An upload copy's source made absolute, its contents marker kept (<c>data/*</c> → <c>/full/data/*</c>,
    /// <c>/*</c> stays the root's contents). Whether it exists, and whether a folder needs Recursive, is the
    /// engine's to say (<see cref="JobEndpoints.ValidateCopy"/>).
    /// </summary>
    public static string Absolute(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (TrySplitContents(source, out string folderPart))
        {
            return Contents(Path.GetFullPath(folderPart.Length == 0 ? "." : folderPart), Path.DirectorySeparatorChar);
        }
        return Path.GetFullPath(source);
    }
}
