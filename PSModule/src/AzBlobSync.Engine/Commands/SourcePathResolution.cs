using System;
using System.Collections.Generic;
using System.Linq;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// The decisions behind -Path / -LiteralPath (and a download's -Destination), kept out of the cmdlet so they are testable:
/// PowerShell does the resolving, these functions judge what came back.
/// </summary>
public static class SourcePathResolution
{
    /// <summary>The PowerShell provider whose paths are local files and folders.</summary>
    public const string FileSystemProvider = "FileSystem";

    /// <summary>
    /// A sync has one source: a -Path whose wildcard matched nothing or several items is an error
    /// naming what it matched, rather than a guess.
    /// </summary>
    public static string SelectSingle(string requested, IReadOnlyList<string> resolvedPaths)
    {
        ArgumentNullException.ThrowIfNull(resolvedPaths);
        return resolvedPaths.Count switch
        {
            1 => resolvedPaths[0],
            0 => throw new AzBlobSyncException(
                ErrorIds.SourceNotFound, $"Source path '{requested}' matches no folder; check the path.", requested),
            _ => throw new AzBlobSyncException(
                ErrorIds.SourceAmbiguous,
                $"Source path '{requested}' matches {resolvedPaths.Count} items ({Preview(resolvedPaths)}); "
                + "give exactly one folder, or use -LiteralPath for a name with wildcard characters.",
                requested),
        };
    }

    /// <summary>Only file-system paths can be synced (not Registry, Variable, ... drives).</summary>
    public static void EnsureFileSystem(string requested, string providerName)
    {
        if (!string.Equals(providerName, FileSystemProvider, StringComparison.OrdinalIgnoreCase))
        {
            throw new AzBlobSyncException(
                ErrorIds.SourceNotAFolder,
                $"Source path '{requested}' is on the {providerName} provider; sync takes a file-system folder.",
                requested);
        }
    }

    /// <summary>A download's destination must be a file-system folder too.</summary>
    public static void EnsureFileSystemDestination(string requested, string providerName)
    {
        if (!string.Equals(providerName, FileSystemProvider, StringComparison.OrdinalIgnoreCase))
        {
            throw new AzBlobSyncException(
                ErrorIds.DestinationNotAFolder,
                $"Destination path '{requested}' is on the {providerName} provider; downloads go into a file-system folder.",
                requested);
        }
    }

    private static string Preview(IReadOnlyList<string> paths)
    {
        const int Shown = 3;
        string listed = string.Join(", ", paths.Take(Shown).Select(p => $"'{p}'"));
        return paths.Count > Shown ? listed + ", ..." : listed;
    }
}
