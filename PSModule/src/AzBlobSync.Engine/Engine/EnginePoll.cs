using System;
using System.Collections.Generic;

namespace AzBlobSync.Engine;

/// <summary>What one poll of a job returned: events in order, the counters, and whether the job is over.</summary>
public sealed class EnginePoll
{
    internal EnginePoll(IReadOnlyList<TransferResult> files, JobSummary? summary, JobProgress progress, bool isFinished)
        : this(ToEvents(files, summary), progress, isFinished)
    {
    }

    internal EnginePoll(IReadOnlyList<EngineEvent> events, JobProgress progress, bool isFinished)
    {
        Events = events;
        var files = new List<TransferResult>(events.Count);
        var confirmations = new List<ConfirmationRequest>();
        foreach (EngineEvent e in events)
        {
            if (e.File is not null)
            {
                files.Add(e.File);
            }
            else if (e.Confirmation is not null)
            {
                confirmations.Add(e.Confirmation);
            }
            else if (e.Summary is not null)
            {
                Summary = e.Summary;
            }
        }
        Files = files;
        Confirmations = confirmations;
        Progress = progress;
        IsFinished = isFinished;
    }

    /// <summary>File results delivered by this poll, in engine order.</summary>
    public IReadOnlyList<TransferResult> Files { get; }

    /// <summary>Requests the engine is waiting on; answer each with <see cref="SyncJob.Answer"/>.</summary>
    public IReadOnlyList<ConfirmationRequest> Confirmations { get; }

    /// <summary>The summary, on the poll that delivered it (always the job's last event).</summary>
    public JobSummary? Summary { get; }

    public JobProgress Progress { get; }

    /// <summary>The job has ended and every event has been delivered.</summary>
    public bool IsFinished { get; }

    /// <summary>Every event of this poll in the engine's order (files, confirmations and the summary interleaved as sent).</summary>
    internal IReadOnlyList<EngineEvent> Events { get; }

    private static List<EngineEvent> ToEvents(IReadOnlyList<TransferResult> files, JobSummary? summary)
    {
        ArgumentNullException.ThrowIfNull(files);
        var events = new List<EngineEvent>(files.Count + 1);
        foreach (TransferResult file in files)
        {
            events.Add(new EngineEvent(file, null));
        }
        if (summary is not null)
        {
            events.Add(new EngineEvent(null, summary));
        }
        return events;
    }
}
