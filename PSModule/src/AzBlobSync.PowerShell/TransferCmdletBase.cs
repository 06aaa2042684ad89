using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Security;
using System.Threading;
using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.PowerShell;

/// <summary>
/// What every cmdlet that runs an engine job shares (Sync-AzBlob, Test-AzBlobSync, Copy-AzBlob): the
/// filters, credentials and concurrency; resolving local paths through PowerShell's providers; Ctrl+C;
/// and turning the engine layer's errors into error records. The ends themselves are declared by each
/// cmdlet family (<see cref="EndpointCmdletBase"/> for a sync or check, Copy-AzBlob for a copy).
/// </summary>
public abstract class TransferCmdletBase : SignInCmdletBase
{
    /// <summary>Upload from a local path given by -Path (wildcards allowed).</summary>
    protected const string PathParameterSet = "Path";

    /// <summary>Upload from a local path given by -LiteralPath.</summary>
    protected const string LiteralPathParameterSet = "LiteralPath";

    /// <summary>Download from the container in -SourceUri into the local path in -Destination.</summary>
    protected const string DownloadParameterSet = "Download";

    /// <summary>Server-side copies from the container in -SourceUri into the container in -DestinationUri.</summary>
    protected const string BetweenContainersParameterSet = "BetweenContainers";

    private DateTime? includeAfter;
    private DateTime? includeBefore;
    private TimeSpan? minAge;
    private TimeSpan? maxAge;

    /// <summary>
    /// Part (block) size for large files, in MiB (decimals allowed, as AzCopy's --block-size-mb); chosen from the file size when omitted.
    /// </summary>
    [Parameter]
    public double BlockSizeMB { get; set; }

    /// <summary>
    /// Most MiB of transfer buffers the job holds at once (default 256): no mix of file sizes, -BlockSizeMB and
    /// -Concurrency holds more. Lower it on a small machine; raising it rarely makes a transfer faster.
    /// </summary>
    [Parameter]
    public long MemoryBudgetMB { get; set; }

    /// <summary>Only files whose NAME matches one of these wildcards (e.g. *.jpg, *.pdf); a ';' inside a value also separates.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Include { get; set; } = Array.Empty<string>();

    /// <summary>Leave out files whose NAME matches one of these wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Exclude { get; set; } = Array.Empty<string>();

    /// <summary>Only these paths, relative to the folder (and the container prefix): a file, or a folder and everything below it.</summary>
    [Parameter]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(RelativePathCompleter))]
    public string[] IncludePath { get; set; } = Array.Empty<string>();

    /// <summary>Leave out these relative paths (a file, or a folder and everything below it); excluded folders are never even listed.</summary>
    [Parameter]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(RelativePathCompleter))]
    public string[] ExcludePath { get; set; } = Array.Empty<string>();

    /// <summary>Only files whose relative path ('/'-separated) matches one of these regular expressions.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] IncludeRegex { get; set; } = Array.Empty<string>();

    /// <summary>Leave out files whose relative path ('/'-separated) matches one of these regular expressions.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] ExcludeRegex { get; set; } = Array.Empty<string>();

    /// <summary>Only files modified at or after this time (a time without a zone is local time).</summary>
    [Parameter]
    public DateTime IncludeAfter
    {
        get => includeAfter ?? default;
        set => includeAfter = value;
    }

    /// <summary>Only files modified at or before this time (a time without a zone is local time).</summary>
    [Parameter]
    public DateTime IncludeBefore
    {
        get => includeBefore ?? default;
        set => includeBefore = value;
    }

    /// <summary>Only files at least this old: a TimeSpan, or a number with a unit (90s, 30m, 12h, 7d).</summary>
    [Parameter]
    [DurationTransformation]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public TimeSpan MinAge
    {
        get => minAge ?? default;
        set => minAge = value;
    }

    /// <summary>Only files at most this old: a TimeSpan, or a number with a unit (90s, 30m, 12h, 7d).</summary>
    [Parameter]
    [DurationTransformation]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public TimeSpan MaxAge
    {
        get => maxAge ?? default;
        set => maxAge = value;
    }

    /// <summary>The ParameterSetName is the download set: the source is a URL and the destination local.</summary>
    protected bool IsDownload => ParameterSetName == DownloadParameterSet;

    /// <summary>The ParameterSetName is the between-containers set: both ends are container URLs (-SourceUri, -DestinationUri).</summary>
    protected bool IsBetweenContainers => ParameterSetName == BetweenContainersParameterSet;

    private const long Mebibyte = 1024 * 1024;

    /// <summary>MiB to bytes; a value that is not a positive number goes on as 0, which the engine refuses with its own id.</summary>
    private static long MebibytesToBytes(double mebibytes) =>
        double.IsFinite(mebibytes) && mebibytes > 0 && mebibytes < long.MaxValue / Mebibyte ? (long)Math.Round(mebibytes * Mebibyte) : 0;

    /// <summary>The options every command shares, around ends the caller has resolved.</summary>
    protected SyncOptions SharedOptions(SyncDirection direction, string source, string destination) => new()
    {
        Direction = direction,
        Source = source,
        Destination = destination,
        Concurrency = concurrency,
        BlockSizeBytes = MyInvocation.BoundParameters.ContainsKey(nameof(BlockSizeMB)) ? MebibytesToBytes(BlockSizeMB) : null,
        MemoryBudgetBytes = MyInvocation.BoundParameters.ContainsKey(nameof(MemoryBudgetMB)) ? MebibytesToBytes(MemoryBudgetMB) : null,
        AccountKey = StorageAccountKey,
        SignIn = ResolveSignIn(),
        SignInReference = VaultReferenceGiven,
        AzCopyEnvironment = AzBlobSync.SignIn.AzCopyVariables.Collect(),
        CaCertificatePath = ChosenCaBundle,
        AuthorityHost = ChosenAuthorityHost,
        Environment = ChosenEnvironment,
        JobDirectory = JobDirectoryFromEnvironment(),
        IncludePattern = Include,
        ExcludePattern = Exclude,
        IncludePath = IncludePath,
        ExcludePath = ExcludePath,
        IncludeRegex = IncludeRegex,
        ExcludeRegex = ExcludeRegex,
        IncludeAfter = includeAfter,
        IncludeBefore = includeBefore,
        MinAge = minAge,
        MaxAge = maxAge,
    };

    /// <summary>The upload properties (-ContentType, -CacheControl, -Metadata, -Tag, -AccessTier) added to <paramref name="options"/>.</summary>
    protected static SyncOptions WithUploadProperties(
        SyncOptions options, string? contentType, string? cacheControl, Hashtable? metadata, Hashtable? tag, BlobAccessTier? accessTier) =>
        options with
        {
            ContentType = string.IsNullOrWhiteSpace(contentType) ? null : contentType,
            CacheControl = string.IsNullOrWhiteSpace(cacheControl) ? null : cacheControl,
            Metadata = PropertyTable.From(metadata, "Metadata", ToText),
            Tags = PropertyTable.From(tag, "Tag", ToText),
            AccessTier = accessTier,
        };

    /// <summary>A local path with wildcards, resolved through the provider: every file-system item it matches (none for a wildcard that matches nothing).</summary>
    protected IReadOnlyList<string> ResolveWildcardPath(string path, string role = "Source")
    {
        Collection<string> resolved;
        ProviderInfo provider;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (ItemNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"{role} '{path}' does not exist; check the path.", path);
        }
        catch (DriveNotFoundException e)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"{role} '{path}' does not exist: {e.Message}", path);
        }
        SourcePathResolution.EnsureFileSystem(path, provider.Name);
        return resolved;
    }

    /// <summary>A local path taken literally (relative to the current location, ~ expanded); it need not exist.</summary>
    protected string ResolveLiteralPath(string path)
    {
        string literal = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        SourcePathResolution.EnsureFileSystem(path, provider.Name);
        return literal;
    }

    /// <summary>A download's local destination may not exist yet, so it is resolved without requiring it (relative to the current location, ~ expanded).</summary>
    protected string ResolveLocalDestination(string destination)
    {
        ProviderInfo provider;
        string resolved;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(destination, out provider, out _);
        }
        catch (Exception e) when (e is DriveNotFoundException or ProviderNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.DestinationNotAFolder, $"Destination folder '{destination}' cannot be used: {e.Message}", destination);
        }
        SourcePathResolution.EnsureFileSystemDestination(destination, provider.Name);
        return resolved;
    }

    /// <summary>A file the module writes for itself (e.g. -HashCachePath), resolved like any PowerShell path; null stays null.</summary>
    protected string? ResolveOptionalFile(string? path, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (!string.Equals(provider.Name, SourcePathResolution.FileSystemProvider, StringComparison.OrdinalIgnoreCase))
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"-{parameterName} '{path}' is on the {provider.Name} provider; give a file-system path.", path);
        }
        return resolved;
    }

    /// <summary>PowerShell's own (culture-invariant) conversion of a hashtable key or value to text.</summary>
    private static string? ToText(object? value) => value is null ? null : LanguagePrimitives.ConvertTo<string>(value);
}
