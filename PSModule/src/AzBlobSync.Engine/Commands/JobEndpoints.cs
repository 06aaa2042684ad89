using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AzBlobSync.Destination;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// Both ends of a job, checked before it starts with the engine's rules and error ids: the local
/// folder (made absolute) and the container URL, whichever side each is on; a copy's ends with copy's
/// rules (<see cref="ValidateCopy"/>); plus the option values the engine would refuse less clearly.
/// </summary>
public sealed class JobEndpoints
{
    private JobEndpoints(
        SyncOptions options, string localFolder, DestinationUrl container, bool isCopy = false, bool contentsOnly = false, DestinationUrl? destinationContainer = null)
    {
        Options = options;
        LocalFolder = localFolder;
        Container = container;
        IsCopy = isCopy;
        ContentsOnly = contentsOnly;
        DestinationContainer = destinationContainer;
    }

    /// <summary>The options with the local folder made absolute.</summary>
    public SyncOptions Options { get; }

    public SyncDirection Direction => Options.Direction;

    /// <summary>
    /// Full path of the local end: the folder a sync uploads from or downloads into. For a copy, the local end as
    /// the engine gets it: the file, the folder, or the folder's contents (<c>folder/*</c>) uploaded; the folder
    /// (or, for one blob, possibly the file) downloaded into, a trailing separator kept.
    /// </summary>
    public string LocalFolder { get; }

    /// <summary>
    /// The container end, for display (its SAS signature redacted); for a copy's <c>url/prefix/*</c> source, without the '*'.
    /// Between containers: the source container.
    /// </summary>
    public DestinationUrl Container { get; }

    /// <summary>Between containers (<see cref="SyncDirection.ContainerToContainer"/>): the destination container; otherwise null.</summary>
    public DestinationUrl? DestinationContainer { get; }

    /// <summary>A copy's ends (checked with copy's rules), not a sync's or a check's.</summary>
    public bool IsCopy { get; }

    /// <summary>A copy of a folder's contents (<c>folder/*</c>, <c>url/prefix/*</c>) rather than of the folder itself or of one item.</summary>
    public bool ContentsOnly { get; }

    /// <summary>The source for people (a redacted URL or the folder).</summary>
    public string SourceDisplay => Direction == SyncDirection.Upload ? LocalFolder : Container.Display;

    /// <summary>The destination for people (a redacted URL or the folder).</summary>
    public string DestinationDisplay => Direction switch
    {
        SyncDirection.Upload => Container.Display,
        SyncDirection.ContainerToContainer => DestinationContainer!.Display,
        _ => LocalFolder,
    };

    /// <summary>What the destination of a deletion is called in a confirmation prompt, and its target.</summary>
    public (string Target, string Action) DeletionPrompt(ConfirmationRequest request) =>
        Direction is SyncDirection.Upload or SyncDirection.ContainerToContainer
            ? (request.Blob, "Delete blob")
            : (Path.Combine(LocalFolder, request.Path.Replace('/', Path.DirectorySeparatorChar)), "Delete file");

    /// <summary>
    /// The target and action text of a confirmation prompt: a deletion (<see cref="DeletionPrompt"/>), or, for a
    /// copy with <see cref="OverwriteMode.Prompt"/>, replacing an existing blob (<c>Overwrite blob</c>, the blob's
    /// name) or local file (<c>Overwrite file</c>, its full path); between containers, the destination blob
    /// (<c>Overwrite blob</c>, its name).
    /// </summary>
    public (string Target, string Action) ConfirmationPrompt(ConfirmationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Action switch
        {
            TransferAction.Delete => DeletionPrompt(request),
            TransferAction.Upload or TransferAction.Copy => (request.Blob, "Overwrite blob"),
            TransferAction.Download => (LocalFileOf(request), "Overwrite file"),
            _ => (request.Blob, request.Action.ToString()),
        };
    }

    /// <summary>
    /// The local file a download writes for <paramref name="request"/> (the engine names it by its relative
    /// path only). A sync, or a copy of contents: under the folder. A copy of one blob (the source URL names
    /// it): inside the destination when that is a folder or ends with a separator, else the destination itself.
    /// A copy of a virtual folder or a whole container: under the folder, inside its own name.
    /// </summary>
    private string LocalFileOf(ConfirmationRequest request)
    {
        string relative = request.Path.Replace('/', Path.DirectorySeparatorChar);
        if (!IsCopy || ContentsOnly)
        {
            return Path.Combine(LocalFolder, relative);
        }
        if (Container.Prefix.Length > 0 && string.Equals(request.Blob, Container.Prefix, StringComparison.Ordinal))
        {
            bool intoFolder = Directory.Exists(LocalFolder) || LocalFolder.EndsWith('/') || LocalFolder.EndsWith('\\');
            return intoFolder ? Path.Combine(LocalFolder, relative) : LocalFolder;
        }
        string ownName = Container.Prefix.Length == 0 ? Container.Container : Container.Prefix[(Container.Prefix.LastIndexOf('/') + 1)..];
        return Path.Combine(LocalFolder, ownName, relative);
    }

    /// <summary>Checks <paramref name="options"/>; throws <see cref="AzBlobSyncException"/> saying what to fix.</summary>
    public static JobEndpoints Validate(SyncOptions options)
    {
        options = CheckOptions(options);
        if (options.Direction == SyncDirection.ContainerToContainer)
        {
            return BetweenContainers(options, DestinationUrl.ParseSource(options.Source), isCopy: false, contentsOnly: false);
        }
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

    /// <summary>
    /// Checks a copy's <paramref name="options"/> with copy's rules: an upload's source is a file, a folder
    /// (with <see cref="SyncOptions.Recursive"/>) or a folder's contents (<see cref="CopySourcePath.Validate"/>);
    /// a download's source is a container URL, optionally <c>url/prefix/*</c>, and its destination a local path
    /// (a folder, or the file one blob is copied to); between containers, both are container URLs (the source
    /// optionally <c>url/prefix/*</c>). Throws <see cref="AzBlobSyncException"/> saying what to fix.
    /// </summary>
    public static JobEndpoints ValidateCopy(SyncOptions options)
    {
        options = CheckOptions(options);
        if (options.DeleteDestination)
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, "A copy never deletes; use a sync with DeleteDestination to mirror.");
        }
        if (options.Direction == SyncDirection.ContainerToContainer)
        {
            (string url, bool contentsOnly) = CopySourcePath.SplitUrl(options.Source);
            return BetweenContainers(options, DestinationUrl.ParseSource(url), isCopy: true, contentsOnly);
        }
        if (options.Direction == SyncDirection.Download)
        {
            (string url, bool contentsOnly) = CopySourcePath.SplitUrl(options.Source);
            DestinationUrl source = DestinationUrl.ParseSource(url);
            string target = LocalCopyTarget(options.Destination);
            return new JobEndpoints(target == options.Destination ? options : options with { Destination = target }, target, source, isCopy: true, contentsOnly);
        }
        string local = CopySourcePath.Validate(options.Source, options.Recursive);
        DestinationUrl destination = DestinationUrl.Parse(options.Destination);
        bool contents = CopySourcePath.TrySplitContents(local, out _);
        return new JobEndpoints(local == options.Source ? options : options with { Source = local }, local, destination, isCopy: true, contents);
    }

    /// <summary>
    /// Both ends are container URLs: the source already parsed (errors as InvalidSource), the destination parsed here
    /// (errors as InvalidDestination). Whether a source in another account has the SAS it needs is the engine's to say.
    /// </summary>
    private static JobEndpoints BetweenContainers(SyncOptions options, DestinationUrl source, bool isCopy, bool contentsOnly)
    {
        DestinationUrl destination = DestinationUrl.Parse(options.Destination);
        return new JobEndpoints(options, string.Empty, source, isCopy, contentsOnly, destination);
    }

    /// <summary>
    /// The option values every job shares, checked (concurrency, limits, ages, filter paths, upload properties);
    /// returns the options with the hash cache's path made absolute.
    /// </summary>
    internal static SyncOptions CheckOptions(SyncOptions options)
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
        CheckMetadata(options.Metadata);
        CheckTags(options.Tags);
        if (options.HashCachePath is not null)
        {
            if (string.IsNullOrWhiteSpace(options.HashCachePath))
            {
                throw new AzBlobSyncException(ErrorIds.InvalidSpec, "HashCachePath is empty; give a file path, or leave it out for the default.");
            }
            string full = Path.GetFullPath(options.HashCachePath);
            if (Directory.Exists(full))
            {
                throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"HashCachePath '{full}' is a folder; give the path of a file (it is created if missing).", full);
            }
            options = full == options.HashCachePath ? options : options with { HashCachePath = full };
        }
        return options;
    }

    /// <summary>A copy's local destination: absolute, with a trailing separator kept (it means "into this folder").</summary>
    private static string LocalCopyTarget(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, "No destination was given; give the local folder (or file) to copy into.");
        }
        return CopySourcePath.KeepTrailingSeparator(path, Path.GetFullPath(path), Path.DirectorySeparatorChar);
    }

    /// <summary>The service takes C# identifiers as metadata names; <c>mtime</c> is the engine's (the source's modified time).</summary>
    private static void CheckMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (string name in metadata.Keys)
        {
            bool valid = name.Length > 0
                && (char.IsAsciiLetter(name[0]) || name[0] == '_')
                && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (!valid)
            {
                throw new AzBlobSyncException(
                    ErrorIds.InvalidSpec, $"Metadata name '{name}' is not valid: use letters, digits and '_', not starting with a digit.", name);
            }
            if (string.Equals(name, "mtime", StringComparison.OrdinalIgnoreCase))
            {
                throw new AzBlobSyncException(
                    ErrorIds.InvalidSpec, $"Metadata name '{name}' is reserved: it holds the source's modified time, which is how changes are found.", name);
            }
        }
        // Metadata travels in HTTP headers: printable ASCII only. The engine sends anything, and the service then
        // fails the whole job as if the credentials were wrong.
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            if (!pair.Value.All(c => c is >= ' ' and <= '~'))
            {
                throw new AzBlobSyncException(
                    ErrorIds.InvalidSpec, $"Metadata '{pair.Key}' has a value the service cannot take: use printable ASCII only (no accents, no line breaks).", pair.Key);
            }
        }
    }

    /// <summary>The service's rules for index tags: at most 10; names 1-128 and values 0-256 characters of letters, digits, space and + - . / : = _.</summary>
    private static void CheckTags(IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count > SyncOptions.MaxTags)
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"A blob takes at most {SyncOptions.MaxTags} tags, got {tags.Count}.");
        }
        static bool Allowed(string text) => text.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '+' or '-' or '.' or '/' or ':' or '=' or '_');
        foreach (KeyValuePair<string, string> pair in tags)
        {
            if (pair.Key.Length is < 1 or > 128 || pair.Value.Length > 256 || !Allowed(pair.Key) || !Allowed(pair.Value))
            {
                throw new AzBlobSyncException(
                    ErrorIds.InvalidSpec,
                    $"Tag '{pair.Key}' is not valid: names take 1-128 and values up to 256 characters, each a letter, a digit, a space or one of + - . / : = _.",
                    pair.Key);
            }
        }
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
