using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Security;
using System.Threading;
using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.PowerShell;

/// <summary>
/// The parameters Sync-AzBlob and Test-AzBlobSync share: the two ends (upload: -Path or -LiteralPath
/// and a container URL in -Destination; download: -SourceUri and a folder in -Destination), the
/// filters, credentials and concurrency. Turning them into <see cref="SyncOptions"/> and mapping
/// errors is all it does; the engine layer does the rest.
/// </summary>
public abstract class EndpointCmdletBase : PSCmdlet, IDisposable
{
    /// <summary>Upload from a folder given by -Path (wildcards allowed).</summary>
    protected const string PathParameterSet = "Path";

    /// <summary>Upload from a folder given by -LiteralPath.</summary>
    protected const string LiteralPathParameterSet = "LiteralPath";

    /// <summary>Download from the container in -SourceUri into the folder in -Destination.</summary>
    protected const string DownloadParameterSet = "Download";

    private readonly CancellationTokenSource stopping = new();
    private int? concurrency;
    private DateTime? includeAfter;
    private DateTime? includeBefore;
    private TimeSpan? minAge;
    private TimeSpan? maxAge;

    /// <summary>Upload: the local folder; wildcards allowed but must match exactly one folder.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathParameterSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Upload: the local folder, taken literally (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    /// <summary>
    /// Download: the container URL to read from, optionally with a folder prefix and a SAS:
    /// https://account.blob.core.windows.net/container[/prefix][?sas]. Only blobs under the prefix
    /// are considered, and their names below it become the local paths.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DownloadParameterSet)]
    [ValidateNotNullOrEmpty]
    public string SourceUri { get; set; } = string.Empty;

    /// <summary>
    /// Upload: the container URL, optionally with a folder prefix and a SAS:
    /// https://account.blob.core.windows.net/container[/prefix][?sas].
    /// Download (with -SourceUri): the local folder, resolved like any PowerShell path; created if missing.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Parallel requests (1-512); the engine picks a default from the machine when omitted.</summary>
    [Parameter]
    [ValidateRange(1, SyncOptions.MaxConcurrency)]
    public int Concurrency
    {
        get => concurrency ?? 0;
        set => concurrency = value;
    }

    /// <summary>Storage account key. Without it (and without a SAS) AZCOPY_ACCOUNT_KEY or AZURE_STORAGE_KEY is used.</summary>
    [Parameter]
    public SecureString? StorageAccountKey { get; set; }

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
    public string[] IncludePath { get; set; } = Array.Empty<string>();

    /// <summary>Leave out these relative paths (a file, or a folder and everything below it); excluded folders are never even listed.</summary>
    [Parameter]
    [ValidateNotNull]
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
    public TimeSpan MinAge
    {
        get => minAge ?? default;
        set => minAge = value;
    }

    /// <summary>Only files at most this old: a TimeSpan, or a number with a unit (90s, 30m, 12h, 7d).</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan MaxAge
    {
        get => maxAge ?? default;
        set => maxAge = value;
    }

    /// <summary>Signalled by Ctrl+C (StopProcessing); the engine is asked to stop and polled until its summary.</summary>
    protected CancellationToken StopToken => stopping.Token;

    public void Dispose()
    {
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Ctrl+C: ask the engine to stop; ProcessRecord keeps polling until its summary arrives.</summary>
    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>The options every command shares, with both ends resolved through PowerShell's providers.</summary>
    protected SyncOptions BuildOptions()
    {
        bool download = ParameterSetName == DownloadParameterSet;
        return new SyncOptions
        {
            Direction = download ? SyncDirection.Download : SyncDirection.Upload,
            Source = download ? SourceUri : ResolveSourceFolder(),
            Destination = download ? ResolveDestinationFolder() : Destination,
            Concurrency = concurrency,
            AccountKey = StorageAccountKey,
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
    }

    /// <summary>A host for the engine layer that writes through this cmdlet.</summary>
    private protected CmdletCommandHost CreateHost(bool isWhatIf) => new(this, isWhatIf, MyInvocation.MyCommand.Name);

    /// <summary>Runs the command, turning the engine layer's exceptions into terminating errors with their stable ids.</summary>
    protected void RunCommand(Action run)
    {
        try
        {
            run();
        }
        catch (AzBlobSyncException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }
    }

    private string ResolveSourceFolder()
    {
        ProviderInfo provider;
        if (ParameterSetName == LiteralPathParameterSet)
        {
            string literal = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath, out provider, out _);
            SourcePathResolution.EnsureFileSystem(LiteralPath, provider.Name);
            return literal;
        }
        Collection<string> resolved;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(Path, out provider);
        }
        catch (ItemNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"Source folder '{Path}' does not exist; check the path.", Path);
        }
        catch (DriveNotFoundException e)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"Source folder '{Path}' does not exist: {e.Message}", Path);
        }
        SourcePathResolution.EnsureFileSystem(Path, provider.Name);
        return SourcePathResolution.SelectSingle(Path, resolved);
    }

    /// <summary>A download's folder may not exist yet, so it is resolved without requiring it (relative to the current location, ~ expanded).</summary>
    private string ResolveDestinationFolder()
    {
        ProviderInfo provider;
        string resolved;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination, out provider, out _);
        }
        catch (Exception e) when (e is DriveNotFoundException or ProviderNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.DestinationNotAFolder, $"Destination folder '{Destination}' cannot be used: {e.Message}", Destination);
        }
        SourcePathResolution.EnsureFileSystemDestination(Destination, provider.Name);
        return resolved;
    }
}
