using System.Collections.Generic;

namespace AzBlobSync.Engine;

/// <summary>What one poll of a job returned: events in order, the counters, and whether the job is over.</summary>
public sealed class EnginePoll
{
    internal EnginePoll(IReadOnlyList<TransferResult> files, JobSummary? summary, JobProgress progress, bool isFinished)
    {
        Files = files;
        Summary = summary;
        Progress = progress;
        IsFinished = isFinished;
    }

    /// <summary>File results delivered by this poll, in engine order.</summary>
    public IReadOnlyList<TransferResult> Files { get; }

    /// <summary>The summary, on the poll that delivered it (always the job's last event).</summary>
    public JobSummary? Summary { get; }

    public JobProgress Progress { get; }

    /// <summary>The job has ended and every event has been delivered.</summary>
    public bool IsFinished { get; }
}
