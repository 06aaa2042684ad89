using System;
using System.Threading;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// What the Sync, Copy and Check commands share: the host they write to, how a job is started (the
/// native engine, or a test's fake), and running one job to its summary on the calling thread.
/// </summary>
public abstract class EngineCommand
{
    private protected readonly ICommandHost host;
    private readonly Func<SyncOptions, JobStart, IEngineJob> startJob;

    private protected EngineCommand(ICommandHost host, Func<SyncOptions, JobStart, IEngineJob>? startJob)
    {
        this.host = host ?? throw new ArgumentNullException(nameof(host));
        this.startJob = startJob ?? ((options, start) => SyncJob.Start(options, start));
    }

    /// <summary>How long to keep polling after a cancel before giving up on the engine's summary.</summary>
    public TimeSpan CancellationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock the progress throttle and the grace period run on; tests give a fake one.</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Starts the job and drives it (see <see cref="JobDriver"/>) to its summary.</summary>
    /// <exception cref="JobFailedException">The job as a whole failed.</exception>
    private protected JobSummary RunJob(
        SyncOptions options, JobStart start, Action<TransferResult> onFile, Func<ConfirmationRequest, bool> decide, CancellationToken cancellationToken) =>
        RunJob(() => startJob(options, start), onFile, decide, cancellationToken);

    /// <summary>As the other overload, for a job started some other way (a resume).</summary>
    private protected JobSummary RunJob(
        Func<IEngineJob> start, Action<TransferResult> onFile, Func<ConfirmationRequest, bool> decide, CancellationToken cancellationToken)
    {
        using IEngineJob job = start();
        JobSummary summary = new JobDriver(host, CancellationGracePeriod, Clock).Drive(job, onFile, decide, cancellationToken);
        return summary.Status == JobStatus.Failed ? throw new JobFailedException(summary) : summary;
    }
}
