using System;
using System.Collections.Generic;
using System.IO;
using AzBlobSync.Destination;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// Both ends of a job, checked before it starts with the engine's rules and error ids: the local
/// folder (made absolute) and the container URL, whichever side each is on; plus the option values
/// the engine would refuse less clearly.
/// </summary>
public sealed class JobEndpoints
{
    private JobEndpoints(SyncOptions options, string localFolder, DestinationUrl container)
    {
        Options = options;
        LocalFolder = localFolder;
        Container = container;
    }

    /// <summary>The options with the local folder made absolute.</summary>
    public SyncOptions Options { get; }

    public SyncDirection Direction => Options.Direction;

    /// <summary>Full path of the local folder (the source of an upload, the destination of a download).</summary>
    public string LocalFolder { get; }

    /// <summary>The container end, for display (its SAS signature redacted).</summary>
    public DestinationUrl Container { get; }

    /// <summary>The source for people (a redacted URL or the folder).</summary>
    public string SourceDisplay => Direction == SyncDirection.Upload ? LocalFolder : Container.Display;

    /// <summary>The destination for people (a redacted URL or the folder).</summary>
    public string DestinationDisplay => Direction == SyncDirection.Upload ? Container.Display : LocalFolder;

    /// <summary>What the destination of a deletion is called in a confirmation prompt, and its target.</summary>
    public (string Target, string Action) DeletionPrompt(ConfirmationRequest request) =>
        Direction == SyncDirection.Upload
            ? (request.Blob, "Delete blob")
            : (Path.Combine(LocalFolder, request.Path.Replace('/', Path.DirectorySeparatorChar)), "Delete file");

    /// <summary>Checks <paramref name="options"/>; throws <see cref="AzBlobSyncException"/> saying what to fix.</summary>
    public static JobEndpoints Validate(SyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Concurrency is int c && (c < 1 || c > SyncOptions.MaxConcurrency))
        {
            throw new AzBlobSyncException(
                ErrorIds.InvalidSpec, $"Concurrency must be between 1 and {SyncOptions.MaxConcurrency}, got {c}.");
        }
        if (options.MaxDelete is < 0)
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"MaxDelete cannot be negative, got {options.MaxDelete}.");
        }
        CheckAge("MinAge", options.MinAge);
        CheckAge("MaxAge", options.MaxAge);
        CheckRelativePaths("IncludePath", options.IncludePath);
        CheckRelativePaths("ExcludePath", options.ExcludePath);

        if (options.Direction == SyncDirection.Download)
        {
            DestinationUrl source = DestinationUrl.ParseSource(options.Source);
            string folder = ValidateDestinationFolder(options.Destination);
            return new JobEndpoints(folder == options.Destination ? options : options with { Destination = folder }, folder, source);
        }
        string sourceFolder = SourceFolder.Validate(options.Source);
        DestinationUrl destination = DestinationUrl.Parse(options.Destination);
        return new JobEndpoints(sourceFolder == options.Source ? options : options with { Source = sourceFolder }, sourceFolder, destination);
    }

    /// <summary>A download's folder: absolute; may be missing (the engine creates it) but must not be a file.</summary>
    public static string ValidateDestinationFolder(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, "No destination folder was given; give the local folder to download into.");
        }
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new AzBlobSyncException(
                ErrorIds.DestinationNotAFolder, $"Destination '{full}' is a file, not a folder; downloads go into a folder.", full);
        }
        return full;
    }

    private static void CheckAge(string name, TimeSpan? age)
    {
        if (age < TimeSpan.Zero)
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"{name} cannot be negative, got {age}.");
        }
    }

    /// <summary>Filter paths are relative to the folder (and to the container prefix); an absolute one would silently match nothing.</summary>
    private static void CheckRelativePaths(string name, IReadOnlyList<string> paths)
    {
        foreach (string value in paths)
        {
            foreach (string path in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                bool rooted = Path.IsPathRooted(path) || path.StartsWith('/') || path.StartsWith('\\')
                    || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':');
                bool climbs = Array.Exists(path.Split('/', '\\'), segment => segment == "..");
                if (rooted || climbs)
                {
                    throw new AzBlobSyncException(
                        ErrorIds.InvalidSpec,
                        $"{name} '{path}' must be a path relative to the folder (like 'logs/old' or 'a.txt'), not {(rooted ? "an absolute path" : "one that climbs out with '..'")}.",
                        path);
                }
            }
        }
    }
}
