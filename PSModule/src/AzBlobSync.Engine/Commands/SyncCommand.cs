using System;
using System.Diagnostics;
using System.Threading;
using AzBlobSync.Destination;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// Everything Sync-AzBlob does, minus PowerShell: validate, confirm, run the engine job, relay
/// progress and results, and turn a failed job into a terminating error. The engine is polled on
/// the calling thread, so every host call happens on that thread (PowerShell's pipeline thread);
/// the only cross-thread call is the cancellation token asking the engine to stop.
/// </summary>
public sealed class SyncCommand
{
    /// <summary>Longest wait inside one native poll; bounds how late a progress update or a cancel is seen.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Progress is written at most this often (the engine's counters change far faster).</summary>
    internal static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly ICommandHost host;
    private readonly Func<SyncOptions, bool, IEngineJob> startJob;

    public SyncCommand(ICommandHost host)
        : this(host, (options, dryRun) => SyncJob.Start(options, dryRun))
    {
    }

    internal SyncCommand(ICommandHost host, Func<SyncOptions, bool, IEngineJob> startJob)
    {
        this.host = host ?? throw new ArgumentNullException(nameof(host));
        this.startJob = startJob;
    }

    /// <summary>How long to keep polling after a cancel before giving up on the engine's summary.</summary>
    public TimeSpan CancellationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs the sync. Writes one <see cref="TransferResult"/> per uploaded (or, in a dry run, would-be
    /// uploaded) file, skipped files only with <see cref="SyncOptions.IncludeSkipped"/>, one
    /// non-terminating error per failed file, then the <see cref="JobSummary"/>, which it also returns.
    /// Returns null when the user declined the confirmation.
    /// </summary>
    /// <exception cref="AzBlobSyncException">Invalid input, or the job as a whole failed (<see cref="JobFailedException"/>).</exception>
    public JobSummary? Run(SyncOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        SyncOptions checkedOptions = Validate(options);
        DestinationUrl destination = DestinationUrl.Parse(checkedOptions.Destination);
        bool dryRun = checkedOptions.DryRun || host.IsWhatIf;

        // Under -WhatIf the dry run's own results are the "what if" answer, so no ShouldProcess prompt.
        if (!dryRun && !host.ShouldProcess(destination.Display, $"Upload new and changed files from '{checkedOptions.Source}'"))
        {
            return null;
        }
        cancellationToken.ThrowIfCancellationRequested();

        host.WriteVerbose($"Starting: {checkedOptions with { DryRun = dryRun }}");
        using IEngineJob job = startJob(checkedOptions, dryRun);
        JobSummary summary = Drive(job, checkedOptions, cancellationToken);
        if (summary.Status == JobStatus.Failed)
        {
            throw new JobFailedException(summary);
        }
        if (summary.Status == JobStatus.Cancelled)
        {
            host.WriteWarning($"The sync was cancelled; {summary.FilesTransferred} file(s) were uploaded before it stopped.");
        }
        host.WriteObject(summary);
        return summary;
    }

    private JobSummary Drive(IEngineJob job, SyncOptions options, CancellationToken cancellationToken)
    {
        // The callback runs on whichever thread cancels (PowerShell's StopProcessing): it only asks
        // the engine to stop and never touches the host.
        using CancellationTokenRegistration onCancel = cancellationToken.Register(static state => ((IEngineJob)state!).Cancel(), job);
        var progressClock = Stopwatch.StartNew();
        Stopwatch? sinceCancel = null;
        JobProgress? lastWritten = null;
        JobSummary? summary = null;
        while (true)
        {
            EnginePoll poll = job.Poll(PollInterval);
            foreach (TransferResult file in poll.Files)
            {
                Relay(file, options);
            }
            summary ??= poll.Summary;
            if (poll.IsFinished)
            {
                host.WriteProgress(poll.Progress.IsTerminal ? poll.Progress : poll.Progress with { State = StateOf(summary) });
                break;
            }
            if (poll.Progress != lastWritten && progressClock.Elapsed >= ProgressInterval)
            {
                host.WriteProgress(poll.Progress);
                lastWritten = poll.Progress;
                progressClock.Restart();
            }
            if (cancellationToken.IsCancellationRequested)
            {
                sinceCancel ??= Stopwatch.StartNew();
                if (sinceCancel.Elapsed > CancellationGracePeriod)
                {
                    throw new AzBlobSyncException(
                        ErrorIds.CancellationTimedOut,
                        $"The sync was cancelled but the engine did not stop within {CancellationGracePeriod.TotalSeconds:0} s; its job was abandoned.");
                }
            }
        }
        return summary ?? throw new AzBlobSyncException(ErrorIds.EngineProtocolError, "The engine finished without a summary.");
    }

    private void Relay(TransferResult file, SyncOptions options)
    {
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
            case TransferStatus.Skipped when !options.IncludeSkipped:
                break;
            default:
                host.WriteObject(file);
                break;
        }
    }

    private static JobState StateOf(JobSummary? summary) => summary?.Status switch
    {
        JobStatus.Cancelled => JobState.Cancelled,
        JobStatus.Failed => JobState.Failed,
        _ => JobState.Completed,
    };

    private static SyncOptions Validate(SyncOptions options)
    {
        if (options.Concurrency is int c && (c < 1 || c > SyncOptions.MaxConcurrency))
        {
            throw new AzBlobSyncException(
                ErrorIds.InvalidSpec, $"Concurrency must be between 1 and {SyncOptions.MaxConcurrency}, got {c}.");
        }
        string source = SourceFolder.Validate(options.Source);
        return source == options.Source ? options : options with { Source = source };
    }
}
