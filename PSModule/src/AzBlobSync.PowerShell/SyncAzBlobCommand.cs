using System.Collections;
using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// <para type="synopsis">One-way sync between a local folder and an Azure Blob Storage container, either way.</para>
/// <para type="description">Upload (-Path or -LiteralPath, and a container URL in -Destination): files missing
/// from the container, or whose size or modified time differ, are uploaded. Download (-SourceUri with a container
/// URL, and a local folder in -Destination, created if missing): blobs missing locally or changed are downloaded
/// into a temporary file, verified (-CheckMd5), given the blob's time and renamed into place. Between containers
/// (-SourceUri, and a container URL in -DestinationUri): new and changed blobs are copied by the service from the
/// source's URL, server-side (with -CompareHash MD5 the two Content-MD5s are compared). Unchanged files are
/// skipped; with -CompareHash MD5 a file and blob of the same size are compared by content instead of time. Uploads
/// can give every blob a content type, cache control, metadata, index tags and an access tier. Nothing is deleted
/// unless -DeleteDestination is given; then each deletion of a destination entry that has no source is confirmed
/// through ShouldProcess (prompting under -Confirm), and -MaxDelete refuses a plan that would delete too much before
/// anything is deleted. The filters (-Include, -Exclude, -IncludePath, -ExcludePath,
/// -IncludeRegex, -ExcludeRegex, -IncludeAfter, -IncludeBefore, -MinAge, -MaxAge) apply the same both ways, and
/// destination entries outside them are never compared or deleted. Emits one TransferResult per transferred or
/// deleted file, a non-terminating error per failed file, a warning per file warning, and a JobSummary at the end.</para>
/// </summary>
/// <para type="notes">Sync-AzBlob writes two kinds of objects to the pipeline: one AzBlobSync.TransferResult per file it
/// transferred or deleted (and, with -IncludeSkipped, per unchanged file), then one AzBlobSync.JobSummary at the end. Keep
/// one kind with Where-Object: $out | Where-Object { $_ -is [AzBlobSync.JobSummary] } for the counts, or
/// $out | Where-Object { $_ -is [AzBlobSync.TransferResult] } for the files. A file that fails is not an object but a
/// non-terminating error (collect them with -ErrorVariable; -ErrorAction Stop ends the sync at the first one).</para>
/// <example>
/// <para type="title">The nightly job: sync a folder into a container on a schedule</para>
/// <code>
/// # Once, as the account the task runs as: keep the storage key encrypted for that account (DPAPI on Windows).
/// Read-Host -AsSecureString -Prompt 'Storage account key' | Export-Clixml C:\Jobs\storage-key.xml
///
/// # C:\Jobs\nightly-exports.ps1
/// $key = Import-Clixml C:\Jobs\storage-key.xml
/// $out = Sync-AzBlob -Path D:\Exports -Destination https://acct.blob.core.windows.net/backups/exports `
///                    -StorageAccountKey $key -PutMd5 -ErrorVariable failed
/// $summary = $out | Where-Object { $_ -is [AzBlobSync.JobSummary] }
/// $summary | Select-Object Status, FilesTransferred, FilesFailed, BytesTransferred, Elapsed |
///     Export-Csv C:\Jobs\nightly-exports.csv -Append
/// if ($failed -or $summary.Status -ne 'Completed') { exit 1 }
///
/// # Register it to run every night at 02:00.
/// $action = New-ScheduledTaskAction -Execute pwsh.exe `
///     -Argument '-NoProfile -NonInteractive -File C:\Jobs\nightly-exports.ps1'
/// $trigger = New-ScheduledTaskTrigger -Daily -At 2am
/// Register-ScheduledTask -TaskName 'Nightly exports to Azure' -Action $action -Trigger $trigger
/// </code>
/// <para>Uploads what is new or changed in D:\Exports since the last run (nothing at all when nothing changed), storing
/// each file's MD5 on its blob. The summary goes to a CSV log, and the script exits 1 when any file failed, so the
/// scheduler shows the run as failed. The key never appears on a command line or in the task's definition.</para>
/// </example>
/// <example>
/// <para type="title">See what a sync would do, then mirror deletions too</para>
/// <code>
/// $url = 'https://acct.blob.core.windows.net/backups/exports'
/// Sync-AzBlob -Path D:\Exports -Destination $url -StorageAccountKey $key -DeleteDestination -WhatIf
/// Sync-AzBlob -Path D:\Exports -Destination $url -StorageAccountKey $key -DeleteDestination -MaxDelete 100
/// </code>
/// <para>The first command compares for real and lists every upload and deletion it would make, writing nothing. The
/// second deletes blobs whose files are gone, but refuses the whole plan (AzBlobSync.MaxDeleteExceeded) if it would
/// delete more than 100: a safety net against syncing from the wrong or an empty folder.</para>
/// </example>
/// <example>
/// <para type="title">Restore: download a container into a folder</para>
/// <code>Sync-AzBlob -SourceUri "https://acct.blob.core.windows.net/backups/exports?$sas" -Destination D:\Restore -CheckMd5 FailIfDifferent</code>
/// <para>Downloads the blobs missing or changed in D:\Restore (created if missing), authorised by the SAS in $sas. Each
/// download lands in a temporary file that is checked against the blob's Content-MD5 before it is renamed into place.</para>
/// </example>
/// <example>
/// <para type="title">Mirror one container into another, server-side</para>
/// <code>Sync-AzBlob -SourceUri https://acct.blob.core.windows.net/live/site -DestinationUri https://acct.blob.core.windows.net/mirror/site -StorageAccountKey $key -DeleteDestination</code>
/// <para>The service copies new and changed blobs itself; no bytes pass through this machine.</para>
/// </example>
/// <remarks>Thin by design: parameters in, <see cref="SyncCommand"/> does the rest.</remarks>
[Cmdlet(VerbsData.Sync, "AzBlob", SupportsShouldProcess = true, DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(TransferResult), typeof(JobSummary))]
public sealed class SyncAzBlobCommand : EndpointCmdletBase
{
    private long? maxDelete;
    private BlobAccessTier? accessTier;

    /// <summary>Upload: compute each file's MD5 and store it as the blob's Content-MD5.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = LiteralPathParameterSet)]
    public SwitchParameter PutMd5 { get; set; }

    /// <summary>
    /// Download: what to do with the blob's Content-MD5. FailIfDifferent (the default) fails a file whose
    /// bytes do not match and does not keep it; FailIfDifferentOrMissing also fails blobs without an MD5;
    /// LogOnly keeps the file and writes a warning; NoCheck does not hash.
    /// </summary>
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

    /// <summary>Also output unchanged (skipped) files and declined deletions.</summary>
    [Parameter]
    public SwitchParameter IncludeSkipped { get; set; }

    /// <summary>
    /// Delete destination entries (blobs on upload and between containers, local files on download) that have no source, inside the
    /// filters. Each deletion goes through ShouldProcess: -Confirm asks for each, -WhatIf lists them.
    /// </summary>
    [Parameter]
    public SwitchParameter DeleteDestination { get; set; }

    /// <summary>With -DeleteDestination: if the plan would delete more than this many, the command fails (AzBlobSync.MaxDeleteExceeded) before it writes or deletes anything. With this guard set the whole plan is counted first (one more listing and walk), so a job pointed at the wrong or an empty source changes nothing.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long MaxDelete
    {
        get => maxDelete ?? 0;
        set => maxDelete = value;
    }

    /// <summary>The folder of the job journal this sync is recorded in (default: AZBLOBSYNC_JOB_DIR, then the user's state folder); Get-AzBlobJob and Resume-AzBlobJob read it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JobDirectory { get; set; }

    protected override void ProcessRecord() => RunCommand(() =>
    {
        SyncOptions options = WithUploadProperties(BuildOptions(), ContentType, CacheControl, Metadata, Tag, accessTier) with
        {
            PutMd5 = PutMd5.IsPresent,
            CheckMd5 = CheckMd5,
            IncludeSkipped = IncludeSkipped.IsPresent,
            DeleteDestination = DeleteDestination.IsPresent,
            MaxDelete = maxDelete,
            JobDirectory = JobCmdlet.Directory(this, JobDirectory),
        };
        new SyncCommand(CreateHost(IsWhatIfRequested())).Run(options, StopToken);
    });
}
