using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.PowerShell;

/// <summary>
/// <para type="synopsis">Copies files or folders to an Azure Blob Storage container, or blobs from one, as AzCopy copy does.</para>
/// <para type="description">Upload (-Path or -LiteralPath, and a container URL in -Destination): a file goes to
/// &lt;container-url&gt;/&lt;file name&gt; when -Destination is the container or ends with '/', otherwise -Destination
/// names the blob. A folder needs -Recursive and lands inside the destination under its own name (C:\data →
/// &lt;prefix&gt;/data/...). A trailing \* or /* copies a folder's contents instead (C:\data\* → &lt;prefix&gt;/...), only
/// the files directly in it unless -Recursive. Files and folders piped in (Get-ChildItem | Copy-AzBlob) are copied one
/// by one; an item that cannot be copied as given (a folder without -Recursive) is a non-terminating error and the others
/// go on. Download (-SourceUri, and a local path in -Destination): url/prefix/* copies the blobs under the prefix (the top
/// level unless -Recursive); the URL of one blob copies that blob (into -Destination when it is a folder or ends with a
/// separator, otherwise to that file name); any other prefix, or a whole container, needs -Recursive and lands under its
/// own name. -Overwrite says what happens to a destination that exists: True (the default) replaces it, False keeps it,
/// IfSourceNewer replaces it only when the source is newer, Prompt asks before each one (Yes to All and No to All
/// included). Between containers (-SourceUri, and a container URL in -DestinationUri) the same source forms apply and
/// the service copies each blob server-side; one blob goes to &lt;destination&gt;/&lt;name&gt; when -DestinationUri is
/// the container or ends with '/', otherwise -DestinationUri names it. Nothing is ever deleted. Emits one TransferResult per copied file, a non-terminating error per failed file,
/// and a JobSummary per copy.</para>
/// </summary>
/// <para type="notes">Copy-AzBlob writes one AzBlobSync.TransferResult per copied file and one AzBlobSync.JobSummary per
/// copy job (one per item piped in); filter with Where-Object { $_ -is [AzBlobSync.JobSummary] }. A file that fails is a
/// non-terminating error.</para>
/// <example>
/// <para type="title">Copy a folder's contents, replacing only older blobs</para>
/// <code>Copy-AzBlob -Path D:\Exports\* -Destination https://acct.blob.core.windows.net/backups/exports -Overwrite IfSourceNewer -StorageAccountKey $key</code>
/// <para>Copies the files directly in D:\Exports (add -Recursive for subfolders) to blobs under exports/, replacing a
/// blob only when the file is newer. Unlike Sync-AzBlob, a copy never compares sizes and never deletes.</para>
/// </example>
/// <example>
/// <para type="title">Copy the files Get-ChildItem finds</para>
/// <code>Get-ChildItem D:\Reports -Filter *.pdf | Copy-AzBlob -Destination "https://acct.blob.core.windows.net/reports/2026/?$sas" -ContentType application/pdf</code>
/// <para>Each PDF piped in is copied to reports/2026/&lt;name&gt; with the given content type, authorised by the SAS in $sas.</para>
/// </example>
/// <example>
/// <para type="title">Download, asking before overwriting</para>
/// <code>Copy-AzBlob -SourceUri "https://acct.blob.core.windows.net/backups/exports/*?$sas" -Destination D:\Restore -Recursive -Overwrite Prompt</code>
/// <para>Copies every blob under exports/ into D:\Restore, asking before replacing each file that exists (Yes to All and No to All included).</para>
/// </example>
/// <example>
/// <para type="title">Copy one blob to another container under a new name</para>
/// <code>Copy-AzBlob -SourceUri https://acct.blob.core.windows.net/reports/2026/summary.pdf -DestinationUri https://acct.blob.core.windows.net/archive/summary-2026.pdf -StorageAccountKey $key</code>
/// <para>The service copies the blob server-side.</para>
/// </example>
/// <remarks>Thin by design: parameters in, <see cref="CopyCommand"/> does the rest.</remarks>
[Cmdlet(VerbsCommon.Copy, "AzBlob", SupportsShouldProcess = true, DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(TransferResult), typeof(JobSummary))]
public sealed class CopyAzBlobCommand : TransferCmdletBase
{
    private BlobAccessTier? accessTier;

    /// <summary>
    /// Upload: the files or folders to copy; wildcards allowed, each match copied on its own. A trailing \* or /*
    /// (C:\data\*) means the folder's contents rather than the folder.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathParameterSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Upload: the files or folders to copy, taken literally (no wildcards, except that a trailing \* or /* still means a
    /// folder's contents). Binds the FullName (or PSPath) of items piped in, as from Get-ChildItem.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Download: the container URL to copy from, optionally with a SAS: url/prefix/* for the blobs under the prefix, the
    /// URL of one blob for that blob, or a prefix (or the container) with -Recursive for everything under it.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DownloadParameterSet)]
    [Parameter(Mandatory = true, ParameterSetName = BetweenContainersParameterSet)]
    [ValidateNotNullOrEmpty]
    public string SourceUri { get; set; } = string.Empty;

    /// <summary>
    /// Between containers (with -SourceUri): the container URL to copy into, optionally with a prefix and a SAS. The
    /// service copies each blob from the source's URL (server-side). For one blob, a URL that is the container or ends
    /// with '/' keeps its name, any other names the copy. A source in another account needs a SAS on -SourceUri.
    /// </summary>
    // Named only: with a position, 'Cmdlet -SourceUri url folder' would bind the download set and this one alike.
    [Parameter(Mandatory = true, ParameterSetName = BetweenContainersParameterSet)]
    [ValidateNotNullOrEmpty]
    public string DestinationUri { get; set; } = string.Empty;

    /// <summary>
    /// Upload: the container URL, optionally with a folder prefix and a SAS; for a single file, a URL not ending in '/'
    /// names the blob. Download (with -SourceUri): the local folder, or the file one blob is copied to; a trailing
    /// separator means a folder.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathParameterSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = LiteralPathParameterSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = DownloadParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = string.Empty;

    /// <summary>Copy folders (or a prefix) and everything below them; without it a folder is refused and contents (dir\*) means the top level only.</summary>
    [Parameter]
    public SwitchParameter Recursive { get; set; }

    /// <summary>
    /// What to do when the destination exists: True (the default) replaces it; False keeps it; IfSourceNewer replaces it
    /// only when the source was modified later; Prompt asks before replacing each one.
    /// </summary>
    [Parameter]
    public OverwriteMode Overwrite { get; set; } = OverwriteMode.True;

    /// <summary>Upload: compute each file's MD5 and store it as the blob's Content-MD5.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    public SwitchParameter PutMd5 { get; set; }

    /// <summary>Download: what to do with the blob's Content-MD5 (FailIfDifferent by default; see Sync-AzBlob).</summary>
    [Parameter(ParameterSetName = DownloadParameterSet)]
    public CheckMd5Mode CheckMd5 { get; set; } = CheckMd5Mode.FailIfDifferent;

    /// <summary>Upload: the Content-Type of every uploaded blob, instead of the one guessed from the file's extension.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContentTypeCompleter))]
    public string? ContentType { get; set; }

    /// <summary>Upload: the Cache-Control of every uploaded blob (e.g. 'max-age=3600').</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? CacheControl { get; set; }

    /// <summary>Upload: metadata for every uploaded blob, e.g. @{ dept = 'hr' }. Names are letters, digits and '_' (not starting with a digit); 'mtime' is reserved.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    public Hashtable? Metadata { get; set; }

    /// <summary>Upload: blob index tags for every uploaded blob, e.g. @{ env = 'prod' } (at most 10).</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    public Hashtable? Tag { get; set; }

    /// <summary>Upload: the access tier of every uploaded blob (Hot, Cool, Cold, Archive); the account's default when omitted.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    public BlobAccessTier AccessTier
    {
        get => accessTier ?? default;
        set => accessTier = value;
    }

    /// <summary>
    /// Called once per pipeline record (once in all without pipeline input). Each input item, and each item a wildcard
    /// matches, is copied as its own engine job, one after the other: simple, and each item keeps AzCopy's meaning (a
    /// file, a folder under its own name, or contents). Many small items piped in cost one job start each (a few ms);
    /// pipe a folder with -Recursive, or give folder\*, to copy many files in one job.
    /// </summary>
    protected override void ProcessRecord() => RunCommand(() =>
    {
        var command = new CopyCommand(CreateHost(IsWhatIfRequested(), askBeforeOverwriting: Overwrite == OverwriteMode.Prompt));
        if (IsBetweenContainers)
        {
            command.Run(Options(SyncDirection.ContainerToContainer, SourceUri, DestinationUri), StopToken);
            return;
        }
        if (IsDownload)
        {
            string destination = CopySourcePath.KeepTrailingSeparator(Destination, ResolveLocalDestination(Destination), System.IO.Path.DirectorySeparatorChar);
            command.Run(Options(SyncDirection.Download, SourceUri, destination) with { CheckMd5 = CheckMd5 }, StopToken);
            return;
        }
        SyncOptions options = WithUploadProperties(Options(SyncDirection.Upload, string.Empty, Destination), ContentType, CacheControl, Metadata, Tag, accessTier)
            with { PutMd5 = PutMd5.IsPresent };
        command.RunEach(ResolveSources(), options, StopToken);
    });

    private SyncOptions Options(SyncDirection direction, string source, string destination) =>
        SharedOptions(direction, source, destination) with { Recursive = Recursive.IsPresent, Overwrite = Overwrite };

    /// <summary>
    /// This record's sources in the engine's terms (<see cref="CopySourcePath.Resolve"/>: a trailing \* survives
    /// resolution as "contents"). A path that resolves to nothing is a non-terminating error, as with Copy-Item.
    /// </summary>
    private List<string> ResolveSources()
    {
        bool literal = ParameterSetName == LiteralPathParameterSet;
        var sources = new List<string>();
        foreach (string typed in literal ? LiteralPath : Path)
        {
            try
            {
                sources.AddRange(CopySourcePath.Resolve(
                    typed,
                    path => literal ? new[] { ResolveLiteralPath(path) } : ResolveWildcardPath(path),
                    System.IO.Path.DirectorySeparatorChar));
            }
            catch (AzBlobSyncException e)
            {
                WriteError(ErrorRecords.From(e));
            }
        }
        return sources;
    }
}
