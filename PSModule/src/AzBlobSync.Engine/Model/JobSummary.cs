using System;

namespace AzBlobSync;

/// <summary>The end of a job: counts, time taken, and why it failed when it did.</summary>
public sealed record JobSummary
{
    public required string JobId { get; init; }

    public required JobStatus Status { get; init; }

    /// <summary>True when nothing was written (-WhatIf, or a check): the counts are what a real run would have transferred.</summary>
    public required bool DryRun { get; init; }

    public required long FilesTransferred { get; init; }

    public required long FilesSkipped { get; init; }

    public required long FilesFailed { get; init; }

    /// <summary>Extras deleted (DeleteDestination); declined deletions are not counted here nor in <see cref="FilesSkipped"/>.</summary>
    public required long FilesDeleted { get; init; }

    public required long BytesTransferred { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>
    /// Names where source and destination differ (what a real run would change: copies, and
    /// deletions when they were planned); Test-AzBlobSync's answer. Extras count only when the job
    /// plans deletions (a check always does).
    /// </summary>
    public required long Differences { get; init; }

    /// <summary>One line saying what to fix, when the whole job failed.</summary>
    public string? Error { get; init; }

    /// <summary>Stable id of a job failure, e.g. <c>AzBlobSync.ContainerNotFound</c>.</summary>
    public string? ErrorId { get; init; }
}
