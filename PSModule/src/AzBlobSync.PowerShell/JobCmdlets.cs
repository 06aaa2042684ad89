using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security;
using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.Journal;

namespace AzBlobSync.PowerShell;

/// <summary>
/// <para type="synopsis">Lists the jobs in the job journal: every sync or copy that wrote, with its status, times and counts.</para>
/// <para type="description">Every run of Sync-AzBlob, Copy-AzBlob or the azblobsync CLI that writes is a job, recorded in the job
/// journal (AZBLOBSYNC_JOB_DIR, or the user's state folder; -JobDirectory names another). Get-AzBlobJob writes one
/// AzBlobSync.JobRecord per job, newest first: JobId, Status (Running, Completed, CompletedWithErrors, Failed, Cancelled,
/// Interrupted for a job whose process died), StartTime, EndTime, the file counts, Source and Destination (a SAS is never
/// recorded) and LogPath. With -JobId each named job also carries its FailedFiles (path, error id, message); a job the
/// journal does not have is a non-terminating AzBlobSync.JobNotFound error.</para>
/// </summary>
/// <example>
/// <para type="title">See what ran, and what is left to resume</para>
/// <code>Get-AzBlobJob -Status Failed, Interrupted, Cancelled</code>
/// <para>Lists the jobs that did not finish, newest first; Resume-AzBlobJob takes them up.</para>
/// </example>
/// <example>
/// <para type="title">Why did files fail?</para>
/// <code>(Get-AzBlobJob -JobId $id).FailedFiles | Format-Table Path, ErrorId, Message</code>
/// <para>Shows each file the job failed with the engine's error id and message; the job's full log is at its LogPath.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "AzBlobJob")]
[OutputType(typeof(JobRecord))]
public sealed class GetAzBlobJobCommand : PSCmdlet
{
    /// <summary>Only these jobs, each with its failed files. Tab completes the journal's ids, newest first.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[]? JobId { get; set; }

    /// <summary>Only jobs with one of these statuses (Running, Completed, CompletedWithErrors, Failed, Cancelled, Interrupted).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public JobStatus[]? Status { get; set; }

    /// <summary>The job journal's folder (default: AZBLOBSYNC_JOB_DIR, then the user's state folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JobDirectory { get; set; }

    protected override void ProcessRecord() => JobCmdlet.Run(this, () =>
        new GetJobCommand(new CmdletCommandHost(this, false, MyInvocation.MyCommand.Name), JobCmdlet.Journal(this, JobDirectory)).Run(JobId, Status));
}

/// <summary>
/// <para type="synopsis">Removes jobs from the job journal, with their logs.</para>
/// <para type="description">Removes the jobs named by -JobId (also from the pipeline, e.g. from Get-AzBlobJob), or every job
/// started before -OlderThan and/or with one of the statuses in -Status. A running job is never removed (AzBlobSync.JobRunning).
/// Each removal goes through ShouldProcess: -WhatIf lists the jobs and removes nothing, -Confirm asks for each. Writes
/// nothing, or with -PassThru the records of the jobs removed. Old jobs are also pruned by themselves at the start of each job
/// (older than 30 days, then the oldest while the folder is over 256 MiB).</para>
/// </summary>
/// <example>
/// <para type="title">Clear out last month's finished jobs</para>
/// <code>Remove-AzBlobJob -OlderThan (Get-Date).AddDays(-7) -Status Completed -Confirm:$false</code>
/// <para>Removes every completed job started more than a week ago, with its log, without asking.</para>
/// </example>
/// <example>
/// <para type="title">Remove the jobs a query found</para>
/// <code>Get-AzBlobJob -Status Cancelled | Remove-AzBlobJob -WhatIf</code>
/// <para>Lists which cancelled jobs would be removed; run it again without -WhatIf to remove them.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "AzBlobJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(JobRecord))]
public sealed class RemoveAzBlobJobCommand : PSCmdlet
{
    private const string ByIdSet = "ById";
    private const string BySelectionSet = "BySelection";
    private DateTime? olderThan;

    /// <summary>The jobs to remove (by value, or the JobId property of pipeline objects such as Get-AzBlobJob's).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();

    /// <summary>Every finished job that started before this time (a time without a zone is local time).</summary>
    [Parameter(ParameterSetName = BySelectionSet)]
    public DateTime OlderThan
    {
        get => olderThan ?? default;
        set => olderThan = value;
    }

    /// <summary>Every finished job with one of these statuses (with -OlderThan: both must hold).</summary>
    [Parameter(ParameterSetName = BySelectionSet)]
    [ValidateNotNullOrEmpty]
    public JobStatus[]? Status { get; set; }

    /// <summary>The job journal's folder (default: AZBLOBSYNC_JOB_DIR, then the user's state folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JobDirectory { get; set; }

    /// <summary>Write the record of each job removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => JobCmdlet.Run(this, () =>
    {
        var command = new RemoveJobCommand(new CmdletCommandHost(this, false, MyInvocation.MyCommand.Name), JobCmdlet.Journal(this, JobDirectory));
        if (ParameterSetName == ByIdSet)
        {
            foreach (string id in JobId)
            {
                command.RunById(id, PassThru.IsPresent);
            }
        }
        else
        {
            command.RunBySelection(olderThan, Status, PassThru.IsPresent);
        }
    });
}

/// <summary>
/// <para type="synopsis">Runs an interrupted, cancelled or failed job again, from where it stopped.</para>
/// <para type="description">Reads the job's spec from the journal and runs it exactly as Sync-AzBlob runs a sync, under the same
/// JobId: the same TransferResult objects, errors, progress and JobSummary (whose Attempt counts the runs); Ctrl+C stops it
/// again. Files an earlier run finished are not sent again while their source keeps its size and modified time, and a large
/// upload sends only the blocks the service does not hold yet. The journal never keeps a secret: a job that used a SAS needs it
/// again (-SourceSas, -DestinationSas), one that used an account key or a service principal's secret needs -StorageAccountKey,
/// -Credential or -Vault/-SecretName (else AzBlobSync.InvalidCredential); a managed identity, workload identity or Azure CLI
/// sign-in, and AzCopy's variables from the environment, are used again by themselves. A job the journal does not have is
/// AzBlobSync.JobNotFound; one still running, AzBlobSync.JobRunning.</para>
/// </summary>
/// <example>
/// <para type="title">Resume every job that failed or was interrupted</para>
/// <code>Get-AzBlobJob -Status Failed, Interrupted | Resume-AzBlobJob -StorageAccountKey $key</code>
/// <para>Each job runs again in turn and writes its results and summary, as Sync-AzBlob does.</para>
/// </example>
/// <example>
/// <para type="title">Resume an upload that wrote with a SAS</para>
/// <code>Resume-AzBlobJob -JobId $id -DestinationSas (Read-Host -AsSecureString -Prompt 'SAS')</code>
/// <para>The SAS was never recorded, so it is given again; the job goes on where it stopped.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Resume, "AzBlobJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(TransferResult), typeof(JobSummary))]
public sealed class ResumeAzBlobJobCommand : SignInCmdletBase
{
    /// <summary>The job to run again (also the JobId property of pipeline objects, e.g. from Get-AzBlobJob).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string JobId { get; set; } = string.Empty;

    /// <summary>The source's SAS (its query string, with or without '?'), when the job read its source with one; a SAS is never recorded.</summary>
    [Parameter]
    public SecureString? SourceSas { get; set; }

    /// <summary>The destination's SAS (its query string, with or without '?'), when the job wrote with one; a SAS is never recorded.</summary>
    [Parameter]
    public SecureString? DestinationSas { get; set; }

    /// <summary>The job journal's folder (default: AZBLOBSYNC_JOB_DIR, then the user's state folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JobDirectory { get; set; }

    /// <summary>Also output unchanged (skipped) files, including those an earlier run finished.</summary>
    [Parameter]
    public SwitchParameter IncludeSkipped { get; set; }

    protected override void ProcessRecord() => RunCommand(() =>
    {
        string? directory = JobCmdlet.Directory(this, JobDirectory);
        using AzBlobSync.SignIn.SignInCredential? recorded = ResolveSignIn() is null && StorageAccountKey is null ? RecordedVaultSignIn(directory) : null;
        var options = new ResumeOptions
        {
            JobId = JobId,
            JobDirectory = directory,
            SourceSas = SourceSas,
            DestinationSas = DestinationSas,
            AccountKey = StorageAccountKey,
            SignIn = ResolveSignIn() ?? recorded,
            AzCopyEnvironment = AzBlobSync.SignIn.AzCopyVariables.Collect(),
            CaCertificatePath = ChosenCaBundle,
            AuthorityHost = ChosenAuthorityHost,
            Environment = ChosenEnvironment,
            Concurrency = concurrency,
            IncludeSkipped = IncludeSkipped.IsPresent,
        };
        // Not a dry run under -WhatIf: ShouldProcess declines, and nothing runs.
        new SyncCommand(CreateHost(isWhatIf: false)).Resume(options, StopToken);
    });

    /// <summary>
    /// A job that signed in from a vault reads the same secret again (-TenantId given now wins); null for
    /// any other job. -WhatIf reads nothing; a job the journal lacks is left for the resume to report.
    /// </summary>
    private AzBlobSync.SignIn.SignInCredential? RecordedVaultSignIn(string? directory)
    {
        if (IsWhatIfRequested())
        {
            return null;
        }
        JobRecord recorded;
        try
        {
            recorded = new JobJournal(directory).Show(JobId);
        }
        catch (AzBlobSyncException)
        {
            return null;
        }
        return recorded.SignInReference is { } reference
            ? VaultSecretReader.Read(reference.Vault, reference.SecretName, TenantId ?? reference.TenantId)
            : null;
    }
}

/// <summary>What the job cmdlets share: the journal's folder, and the engine layer's errors as error records.</summary>
internal static class JobCmdlet
{
    public static string? Directory(PSCmdlet cmdlet, string? given) =>
        given is null ? SignInCmdletBase.JobDirectoryFromEnvironment() : cmdlet.GetUnresolvedProviderPathFromPSPath(given);

    public static JobJournal Journal(PSCmdlet cmdlet, string? given) => new(Directory(cmdlet, given));

    public static void Run(PSCmdlet cmdlet, Action run)
    {
        try
        {
            run();
        }
        catch (AzBlobSyncException e)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.From(e));
        }
    }
}

/// <summary>-JobId: the journal's ids (in -JobDirectory when typed), newest first, each with its status and destination as the tooltip.</summary>
public sealed class JobIdCompleter : IArgumentCompleter
{
    private const int MaxResults = 100;

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string typed = wordToComplete.Trim('\'', '"');
        string? folder = fakeBoundParameters["JobDirectory"] as string ?? SignInCmdletBase.JobDirectoryFromEnvironment();
        IReadOnlyList<JobRecord> jobs;
        try
        {
            jobs = new JobJournal(folder).List();
        }
        catch (Exception e) when (e is AzBlobSyncException or DllNotFoundException or EntryPointNotFoundException)
        {
            return Array.Empty<CompletionResult>();
        }
        return jobs
            .Where(j => j.JobId.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Take(MaxResults)
            .Select(j => new CompletionResult(
                j.JobId,
                $"{j.JobId} ({j.Status})",
                CompletionResultType.ParameterValue,
                $"{j.Status}, started {j.StartTime:yyyy-MM-dd HH:mm:ss}: {j.Source} -> {j.Destination}"))
            .ToList();
    }
}
