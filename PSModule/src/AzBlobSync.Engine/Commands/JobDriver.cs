using System;
using System.Threading;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// Polls a job to its summary on the calling thread, so every host call happens on that thread
/// (PowerShell's pipeline thread): file results go to a callback, progress is throttled, each
/// confirmation request is decided by a callback and answered, and a cancel is passed on and waited
/// out for a grace period. The only cross-thread call is the cancellation token asking the engine to stop.
/// </summary>
internal sealed class JobDriver
{
    /// <summary>Longest wait inside one native poll; bounds how late a progress update, a confirmation or a cancel is seen.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Progress is written at most this often (the engine's counters change far faster).</summary>
    internal static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly ICommandHost host;
    private readonly TimeSpan cancellationGracePeriod;
    private readonly TimeProvider clock;
    private bool engineFinished;

    /// <param name="clock">Times the progress throttle and the cancellation grace period (a test's fake clock makes both deterministic).</param>
    public JobDriver(ICommandHost host, TimeSpan cancellationGracePeriod, TimeProvider? clock = null)
    {
        this.host = host;
        this.cancellationGracePeriod = cancellationGracePeriod;
        this.clock = clock ?? TimeProvider.System;
    }

    /// <param name="onFile">Called for each file result, in engine order.</param>
    /// <param name="decide">Asked for each confirmation request (true approves); the answer goes straight back to the engine, which waits for it.</param>
    public JobSummary Drive(IEngineJob job, Action<TransferResult> onFile, Func<ConfirmationRequest, bool> decide, CancellationToken cancellationToken)
    {
        // The callback runs on whichever thread cancels (PowerShell's StopProcessing): it only asks
        // the engine to stop and never touches the host.
        using CancellationTokenRegistration onCancel = cancellationToken.Register(static state => ((IEngineJob)state!).Cancel(), job);
        try
        {
            return DriveToSummary(job, onFile, decide, cancellationToken);
        }
        catch (Exception) when (!engineFinished)
        {
            // A host call threw (PowerShell stopping the pipeline, or -ErrorAction Stop making a file's error
            // terminating): stop the engine and wait until it has finished before the exception leaves, so nothing
            // it was writing is left half-done and the next command starts clean.
            job.Cancel();
            DrainQuietly(job);
            throw;
        }
    }

    private void DrainQuietly(IEngineJob job)
    {
        long startedAt = clock.GetTimestamp();
        try
        {
            while (clock.GetElapsedTime(startedAt) < cancellationGracePeriod)
            {
                EnginePoll poll = job.Poll(PollInterval);
                foreach (EngineEvent e in poll.Events)
                {
                    if (e.Confirmation is not null)
                    {
                        job.Answer(e.Confirmation.Id, false);
                    }
                }
                if (poll.IsFinished)
                {
                    return;
                }
            }
        }
        catch (AzBlobSyncException)
        {
            // Best effort: the exception being rethrown is the one that matters.
        }
    }

    private JobSummary DriveToSummary(IEngineJob job, Action<TransferResult> onFile, Func<ConfirmationRequest, bool> decide, CancellationToken cancellationToken)
    {
        long lastProgressAt = clock.GetTimestamp();
        long? cancelledAt = null;
        JobProgress? lastWritten = null;
        JobSummary? summary = null;
        while (true)
        {
            EnginePoll poll = job.Poll(PollInterval);
            // In the engine's order: a confirmation follows the results sent before it.
            foreach (EngineEvent e in poll.Events)
            {
                if (e.File is not null)
                {
                    onFile(e.File);
                }
                else if (e.Confirmation is not null)
                {
                    // Once cancelled, nothing more is approved (and nobody is asked): the engine is stopping.
                    bool approve = !cancellationToken.IsCancellationRequested && decide(e.Confirmation);
                    job.Answer(e.Confirmation.Id, approve);
                }
                else if (e.Summary is not null)
                {
                    summary ??= e.Summary;
                }
            }
            if (poll.IsFinished)
            {
                engineFinished = true;
                host.WriteProgress(poll.Progress.IsTerminal ? poll.Progress : poll.Progress with { State = StateOf(summary) });
                break;
            }
            if (poll.Progress != lastWritten && clock.GetElapsedTime(lastProgressAt) >= ProgressInterval)
            {
                host.WriteProgress(poll.Progress);
                lastWritten = poll.Progress;
                lastProgressAt = clock.GetTimestamp();
            }
            if (cancellationToken.IsCancellationRequested)
            {
                cancelledAt ??= clock.GetTimestamp();
                if (clock.GetElapsedTime(cancelledAt.Value) > cancellationGracePeriod)
                {
                    throw new AzBlobSyncException(
                        ErrorIds.CancellationTimedOut,
                        $"The job was cancelled but the engine did not stop within {cancellationGracePeriod.TotalSeconds:0} s; its job was abandoned.");
                }
            }
        }
        return summary ?? throw new AzBlobSyncException(ErrorIds.EngineProtocolError, "The engine finished without a summary.");
    }

    private static JobState StateOf(JobSummary? summary) => summary?.Status switch
    {
        JobStatus.Cancelled => JobState.Cancelled,
        JobStatus.Failed => JobState.Failed,
        _ => JobState.Completed,
    };
}
