using System;
using System.Collections.Generic;
using System.Linq;
using AzBlobSync.Errors;
using AzBlobSync.Journal;

namespace AzBlobSync.Commands;

/// <summary>
/// Everything Get-AzBlobJob does, minus PowerShell: the journal's jobs, newest first (optionally only
/// some statuses), or named jobs with their failed files. A named job the journal does not have is a
/// non-terminating error (<c>AzBlobSync.JobNotFound</c>) and the others are still written.
/// </summary>
public sealed class GetJobCommand
{
    private readonly ICommandHost host;
    private readonly JobJournal journal;

    public GetJobCommand(ICommandHost host, JobJournal journal)
    {
        this.host = host ?? throw new ArgumentNullException(nameof(host));
        this.journal = journal ?? throw new ArgumentNullException(nameof(journal));
    }

    public void Run(IReadOnlyList<string>? jobIds, IReadOnlyCollection<JobStatus>? statuses)
    {
        if (jobIds is not { Count: > 0 })
        {
            foreach (JobRecord job in journal.List(statuses))
            {
                host.WriteObject(job);
            }
            return;
        }
        foreach (string id in jobIds)
        {
            JobRecord job;
            try
            {
                job = journal.Show(id);
            }
            catch (AzBlobSyncException e) when (e.ErrorId == ErrorIds.JobNotFound)
            {
                host.WriteError(CommandError.From(e));
                continue;
            }
            if (statuses is not { Count: > 0 } || statuses.Contains(job.Status))
            {
                host.WriteObject(job);
            }
        }
    }
}

/// <summary>
/// Everything Remove-AzBlobJob does, minus PowerShell: each job named, or each finished job matching an
/// age and/or statuses, is confirmed through <see cref="ICommandHost.ShouldProcess"/> (so -WhatIf lists
/// them and removes nothing) and removed with its log by the engine. A running job is never removed.
/// With passThru the removed records are written.
/// </summary>
public sealed class RemoveJobCommand
{
    private readonly ICommandHost host;
    private readonly JobJournal journal;

    public RemoveJobCommand(ICommandHost host, JobJournal journal)
    {
        this.host = host ?? throw new ArgumentNullException(nameof(host));
        this.journal = journal ?? throw new ArgumentNullException(nameof(journal));
    }

    /// <summary>Removes one named job: a job the journal lacks or one running is a non-terminating error.</summary>
    public void RunById(string jobId, bool passThru)
    {
        JobRecord job;
        try
        {
            job = journal.Show(jobId);
            if (job.Status == JobStatus.Running)
            {
                throw new AzBlobSyncException(ErrorIds.JobRunning, $"Job '{jobId}' is running; wait for it or stop it first.", jobId);
            }
        }
        catch (AzBlobSyncException e) when (e.ErrorId is ErrorIds.JobNotFound or ErrorIds.JobRunning)
        {
            host.WriteError(CommandError.From(e));
            return;
        }
        RemoveConfirmed(job, passThru, () => journal.Remove(jobId));
    }

    /// <summary>Removes every finished job started before <paramref name="olderThan"/> and/or with one of <paramref name="statuses"/>.</summary>
    public void RunBySelection(DateTime? olderThan, IReadOnlyCollection<JobStatus>? statuses, bool passThru)
    {
        if (olderThan is null && statuses is not { Count: > 0 })
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, "Say which jobs to remove: -JobId, -OlderThan or -Status.");
        }
        if (statuses is { Count: > 0 } && statuses.Contains(JobStatus.Running))
        {
            host.WriteWarning("A running job is never removed; -Status Running selects nothing.");
        }
        DateTime? before = olderThan?.ToUniversalTime();
        // The engine's selection rule (not running, started before, any of the statuses), applied to its own list
        // so that each job is confirmed by name; each is then removed by id, which the engine checks again.
        IEnumerable<JobRecord> chosen = journal.List(statuses)
            .Where(j => j.Status != JobStatus.Running)
            .Where(j => before is null || j.StartTime.ToUniversalTime() < before);
        foreach (JobRecord job in chosen)
        {
            RemoveConfirmed(job, passThru, () => journal.Remove(job.JobId));
        }
    }

    private void RemoveConfirmed(JobRecord job, bool passThru, Func<IReadOnlyList<string>> remove)
    {
        if (!host.ShouldProcess($"job {job.JobId} ({job.Status}, started {job.StartTime:yyyy-MM-dd HH:mm:ss}, {job.Destination})", "Remove the job's record and log"))
        {
            return;
        }
        try
        {
            if (remove().Contains(job.JobId) && passThru)
            {
                host.WriteObject(job);
            }
        }
        catch (AzBlobSyncException e) when (e.ErrorId is ErrorIds.JobNotFound or ErrorIds.JobRunning)
        {
            // Gone or started again since it was listed: say so and go on with the others.
            host.WriteError(CommandError.From(e));
        }
    }
}
