using System.IO;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>Checks the source before a job starts, with the engine's error ids.</summary>
public static class SourceFolder
{
    /// <summary>The full path of an existing folder, or an <see cref="AzBlobSyncException"/> saying what is wrong.</summary>
    public static string Validate(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, "No source folder was given; give the local folder to sync.");
        }
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return full;
        }
        if (File.Exists(full))
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotAFolder, $"Source '{full}' is a file, not a folder; sync takes a folder.", full);
        }
        throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"Source folder '{full}' does not exist; check the path.", full);
    }
}
