using System;
using System.Threading;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// Everything Sync-AzBlob does, minus PowerShell: validate, confirm, run the engine job (either
/// direction), relay progress and results, have each deletion approved through
/// <see cref="ICommandHost.ShouldProcess"/>, and turn a failed job into a terminating error. Every
/// host call happens on the thread that called <see cref="Run"/>.
/// </summary>
public sealed class SyncCommand : EngineCommand
{
    public SyncCommand(ICommandHost host)
        : base(host, null)
    {
    }

    private readonly Func<ResumeOptions, IEngineJob> startResume = SyncJob.StartResume;

    internal SyncCommand(ICommandHost host, Func<SyncOptions, JobStart, IEngineJob> startJob)
        : base(host, startJob)
    {
    }

    internal SyncCommand(ICommandHost host, Func<ResumeOptions, IEngineJob> startResume)
        : base(host, null)
    {
        this.startResume = startResume;
    }

    /// <summary>
    /// Runs the sync. Writes one <see cref="TransferResult"/> per transferred (or, in a dry run,
    /// would-be transferred) file and per deletion, skipped files and declined deletions only with
    /// <see cref="SyncOptions.IncludeSkipped"/>, one non-terminating error per failed file, then the
    /// <see cref="JobSummary"/>, which it also returns. Returns null when the user declined the confirmation.
    /// </summary>
    /// <remarks>
    /// With <see cref="SyncOptions.DeleteDestination"/> (and not a dry run) the engine asks before each
    /// deletion and waits; the host's ShouldProcess answers (without prompting unless -Confirm or
    /// $ConfirmPreference asks for it). Deletions then run one at a time.
    /// </remarks>
    /// <exception cref="AzBlobSyncException">Invalid input, or the job as a whole failed (<see cref="JobFailedException"/>).</exception>
    public JobSummary? Run(SyncOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        JobEndpoints endpoints = JobEndpoints.Validate(options);
        SyncOptions checkedOptions = endpoints.Options;
        bool dryRun = checkedOptions.DryRun || host.IsWhatIf;
        if (checkedOptions.MaxDelete is not null && !checkedOptions.DeleteDestination)
        {
            host.WriteWarning("MaxDelete has no effect without DeleteDestination: this sync deletes nothing.");
        }

        // Under -WhatIf the dry run's own results are the "what if" answer, so no ShouldProcess prompt.
        if (!dryRun && !host.ShouldProcess(endpoints.DestinationDisplay, Describe(endpoints)))
        {
            return null;
        }
        cancellationToken.ThrowIfCancellationRequested();

        host.WriteVerbose($"Starting: {checkedOptions with { DryRun = dryRun }}");
        var start = JobStart.Sync(dryRun, confirmDeletes: checkedOptions.DeleteDestination && !dryRun);
        JobSummary summary = RunJob(
            checkedOptions,
            start,
            file => Relay(file, checkedOptions.IncludeSkipped),
            request => Confirm(request, endpoints),
            cancellationToken);
        string moved = checkedOptions.Direction switch
        {
            SyncDirection.Download => "downloaded",
            SyncDirection.ContainerToContainer => "copied",
            _ => "uploaded",
        };
        return Finish(summary, $"The sync was cancelled; {summary.FilesTransferred} file(s) were {moved} and {summary.FilesDeleted} deleted before it stopped.");
    }

    /// <summary>
    /// Runs a recorded job again (Resume-AzBlobJob) exactly as <see cref="Run"/> runs a sync: the same
    /// results, errors, progress, deletion confirmations and summary. The engine reads the job's spec
    /// from the journal; files an earlier run finished are not sent again. Returns null when the user
    /// declined the confirmation (-WhatIf, -Confirm).
    /// </summary>
    /// <exception cref="AzBlobSyncException">The job could not run: <c>AzBlobSync.JobNotFound</c>,
    /// <c>AzBlobSync.JobRunning</c>, <c>AzBlobSync.InvalidCredential</c> (a SAS or key must be given again), or
    /// the job as a whole failed (<see cref="JobFailedException"/>).</exception>
    public JobSummary? Resume(ResumeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.JobId))
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, "Name the job to resume (its JobId, from Get-AzBlobJob).");
        }
        if (!host.ShouldProcess(options.JobId, "Resume the recorded job"))
        {
            return null;
        }
        cancellationToken.ThrowIfCancellationRequested();
        host.WriteVerbose($"Starting: {options}");
        JobSummary summary = RunJob(
            () => startResume(options),
            file => Relay(file, options.IncludeSkipped),
            request => request.Action == TransferAction.Delete
                ? host.ShouldProcess(request.Blob.Length > 0 ? request.Blob : request.Path, "Delete (no source)")
                : host.ShouldProcess(request.Blob.Length > 0 ? request.Blob : request.Path, request.Action == TransferAction.Download ? "Overwrite file" : "Overwrite blob"),
            cancellationToken);
        return Finish(summary, $"Job '{options.JobId}' was cancelled again; {summary.FilesTransferred} file(s) were transferred and {summary.FilesDeleted} deleted before it stopped. Resume it again to go on.");
    }

    private JobSummary Finish(JobSummary summary, string cancelledWarning)
    {
        if (summary.Status == JobStatus.Cancelled)
        {
            host.WriteWarning(cancelledWarning);
        }
        host.WriteObject(summary);
        return summary;
    }

    private static string Describe(JobEndpoints endpoints)
    {
        string copy = endpoints.Direction switch
        {
            SyncDirection.Download => $"Download new and changed blobs from '{endpoints.SourceDisplay}'",
            SyncDirection.ContainerToContainer => $"Copy new and changed blobs from '{endpoints.SourceDisplay}' (server-side)",
            _ => $"Upload new and changed files from '{endpoints.SourceDisplay}'",
        };
        return endpoints.Options.DeleteDestination ? copy + ", and delete what the source does not have" : copy;
    }

    private bool Confirm(ConfirmationRequest request, JobEndpoints endpoints)
    {
        (string target, string action) = endpoints.ConfirmationPrompt(request);
        return host.ShouldProcess(target, action);
    }

    private void Relay(TransferResult file, bool includeSkipped)
    {
        // A declined deletion has its own verbose line below; every other file says what was decided and why.
        if (!(file.Status == TransferStatus.Skipped && file.Action == TransferAction.Delete))
        {
            host.WriteVerbose(FileDecisionText.Describe(file));
        }
        if (file.Warning is not null)
        {
            host.WriteWarning($"'{file.Path}': {file.Warning}");
        }
        switch (file.Status)
        {
            case TransferStatus.Failed:
                // One bad file does not stop the others: report it and go on.
                host.WriteError(CommandError.ForFailedFile(file));
                break;
            case TransferStatus.Skipped when file.Action == TransferAction.Delete && !includeSkipped:
                host.WriteVerbose($"'{file.Path}' was not deleted: {file.Reason}.");
                break;
            case TransferStatus.Skipped when !includeSkipped:
                break;
            default:
                host.WriteObject(file);
                break;
        }
    }
}
