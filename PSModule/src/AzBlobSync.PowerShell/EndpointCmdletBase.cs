using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// The parameters Sync-AzBlob and Test-AzBlobSync share: the two ends (upload: -Path or -LiteralPath
/// and a container URL in -Destination; download: -SourceUri and a folder in -Destination; between
/// containers: -SourceUri and a container URL in -DestinationUri) and how
/// same-sized pairs are compared, on top of <see cref="TransferCmdletBase"/>'s filters, credentials and
/// concurrency. Turning them into <see cref="SyncOptions"/> is all it does; the engine layer does the rest.
/// </summary>
public abstract class EndpointCmdletBase : TransferCmdletBase
{
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
    /// are considered, and their names below it become the local paths. Between containers (with -DestinationUri):
    /// the source container; a SAS is needed when it is in another account than the destination.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DownloadParameterSet)]
    [Parameter(Mandatory = true, ParameterSetName = BetweenContainersParameterSet)]
    [ValidateNotNullOrEmpty]
    public string SourceUri { get; set; } = string.Empty;

    /// <summary>
    /// Between containers (with -SourceUri): the container URL to mirror into, optionally with a folder prefix and a SAS.
    /// The service copies each blob from the source's URL (server-side); nothing passes through this machine.
    /// </summary>
    // Named only: with a position, 'Cmdlet -SourceUri url folder' would bind the download set and this one alike.
    [Parameter(Mandatory = true, ParameterSetName = BetweenContainersParameterSet)]
    [ValidateNotNullOrEmpty]
    public string DestinationUri { get; set; } = string.Empty;

    /// <summary>
    /// Upload: the container URL, optionally with a folder prefix and a SAS:
    /// https://account.blob.core.windows.net/container[/prefix][?sas].
    /// Download (with -SourceUri): the local folder, taken literally (no wildcards) relative to the current location; created if missing.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathParameterSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = LiteralPathParameterSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = DownloadParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>
    /// How to judge a file and blob of the same size: None (the default) by modified time; MD5 by content, the local
    /// file's MD5 against the blob's Content-MD5 (so a touched but identical file is unchanged, and a blob without a
    /// Content-MD5 counts as changed). Local MD5s are remembered between runs (see -HashCachePath).
    /// </summary>
    [Parameter]
    public CompareHashMode CompareHash { get; set; } = CompareHashMode.None;

    /// <summary>With -CompareHash MD5: the file that remembers local MD5s (by path, size and modified time), taken literally; by default one in the user's cache folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HashCachePath { get; set; }

    /// <summary>The options every command shares, with both ends resolved through PowerShell's providers.</summary>
    protected SyncOptions BuildOptions()
    {
        SyncOptions ends = IsBetweenContainers
            ? SharedOptions(SyncDirection.ContainerToContainer, SourceUri, DestinationUri)
            : IsDownload
                ? SharedOptions(SyncDirection.Download, SourceUri, ResolveLocalDestination(Destination))
                : SharedOptions(SyncDirection.Upload, ResolveSourceFolder(), Destination);
        return ends with
        {
            CompareHash = CompareHash,
            HashCachePath = ResolveOptionalFile(HashCachePath, nameof(HashCachePath)),
        };
    }

    private string ResolveSourceFolder() =>
        ParameterSetName == LiteralPathParameterSet
            ? ResolveLiteralPath(LiteralPath)
            : SourcePathResolution.SelectSingle(Path, ResolveWildcardPath(Path, "Source folder"));
}
