using System;
using System.IO;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Spec;

namespace AzBlobSync.Commands;

/// <summary>
/// Both ends of a job, checked before it starts by the engine itself (<see cref="SpecCheck"/>: every
/// rule and error id lives there, so the CLI refuses the same inputs). What stays here is what this
/// process must do: local paths made absolute (PowerShell resolved them already), and the prompts.
/// </summary>
public sealed class JobEndpoints
{
    private JobEndpoints(
        SyncOptions options, string localFolder, EngineEnd container, bool isCopy = false, bool contentsOnly = false, EngineEnd? destinationContainer = null)
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
    public EngineEnd Container { get; }

    /// <summary>Between containers (<see cref="SyncDirection.ContainerToContainer"/>): the destination container; otherwise null.</summary>
    public EngineEnd? DestinationContainer { get; }

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

    /// <summary>Checks a sync's or a check's <paramref name="options"/> with the engine; throws <see cref="AzBlobSyncException"/> saying what to fix.</summary>
    public static JobEndpoints Validate(SyncOptions options) => Check(options, isCopy: false);

    /// <summary>
    /// Checks a copy's <paramref name="options"/> with copy's rules (the engine's): an upload's source is a file,
    /// a folder (with <see cref="SyncOptions.Recursive"/>) or a folder's contents (<c>folder/*</c>); a download's
    /// source a container URL, optionally <c>url/prefix/*</c>, and its destination a local path (a folder, or the
    /// file one blob is copied to); between containers, both container URLs. A copy never deletes.
    /// Throws <see cref="AzBlobSyncException"/> saying what to fix.
    /// </summary>
    public static JobEndpoints ValidateCopy(SyncOptions options) => Check(options, isCopy: true);

    private static JobEndpoints Check(SyncOptions options, bool isCopy)
    {
        options = WithAbsolutePaths(options, isCopy);
        CheckedSpec spec = SpecCheck.Check(options, isCopy ? JobStart.Copy(options.DryRun) : JobStart.Sync(options.DryRun));
        return spec.Direction switch
        {
            SyncDirection.ContainerToContainer => new JobEndpoints(options, string.Empty, spec.Source, isCopy, spec.Source.ContentsOnly, spec.Destination),
            SyncDirection.Download => new JobEndpoints(options, options.Destination, spec.Source, isCopy, isCopy && spec.Source.ContentsOnly),
            _ => new JobEndpoints(options, options.Source, spec.Destination, isCopy, isCopy && CopySourcePath.TrySplitContents(options.Source, out _)),
        };
    }

    /// <summary>
    /// The local ends (and the hash cache) made absolute, as the engine gets them: a copy's contents marker and a
    /// download target's trailing separator kept. URLs and the rules are the engine's.
    /// </summary>
    internal static SyncOptions WithAbsolutePaths(SyncOptions options, bool isCopy)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? hashCache = string.IsNullOrWhiteSpace(options.HashCachePath) ? options.HashCachePath : Path.GetFullPath(options.HashCachePath);
        options = hashCache == options.HashCachePath ? options : options with { HashCachePath = hashCache };
        return options.Direction switch
        {
            SyncDirection.Upload when !string.IsNullOrWhiteSpace(options.Source) =>
                options with { Source = isCopy ? CopySourcePath.Absolute(options.Source) : Path.GetFullPath(options.Source) },
            SyncDirection.Download when !string.IsNullOrWhiteSpace(options.Destination) =>
                options with { Destination = isCopy ? LocalCopyTarget(options.Destination) : Path.GetFullPath(options.Destination) },
            _ => options,
        };
    }

    /// <summary>A copy's local destination: absolute, with a trailing separator kept (it means "into this folder").</summary>
    private static string LocalCopyTarget(string path) =>
        CopySourcePath.KeepTrailingSeparator(path, Path.GetFullPath(path), Path.DirectorySeparatorChar);
}
