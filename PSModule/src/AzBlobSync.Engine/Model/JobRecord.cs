using System;
using System.Collections.Generic;

namespace AzBlobSync;

/// <summary>
/// A job as the journal recorded it (Get-AzBlobJob): its status as of now, times, counts summed over
/// its attempts, both ends (a SAS is never recorded), and where its log is. Shown by id, it also
/// carries its failed files.
/// </summary>
public sealed record JobRecord
{
    public required string JobId { get; init; }

    public required JobStatus Status { get; init; }

    /// <summary>Resume-AzBlobJob can take it up (interrupted, cancelled, failed, or completed with errors).</summary>
    public bool Resumable { get; init; }

    /// <summary>How many runs the job has had (a resume adds one).</summary>
    public int Attempt { get; init; }

    /// <summary>sync or copy.</summary>
    public string Operation { get; init; } = "sync";

    /// <summary>The source, with any SAS query removed.</summary>
    public required string Source { get; init; }

    /// <summary>The destination, with any SAS query removed.</summary>
    public required string Destination { get; init; }

    /// <summary>When the job (its latest attempt) started, in local time.</summary>
    public required DateTime StartTime { get; init; }

    /// <summary>When it ended, in local time; null while running or when its process died.</summary>
    public DateTime? EndTime { get; init; }

    public long FilesTransferred { get; init; }

    public long FilesSkipped { get; init; }

    public long FilesFailed { get; init; }

    public long FilesDeleted { get; init; }

    /// <summary>Planned but not finished (what a resume still has to do).</summary>
    public long FilesPending { get; init; }

    public long BytesTransferred { get; init; }

    /// <summary>Stable id of the job's failure, e.g. <c>AzBlobSync.ContainerNotFound</c>.</summary>
    public string? ErrorId { get; init; }

    public string? Error { get; init; }

    /// <summary>The job's log (JSON lines).</summary>
    public string? LogPath { get; init; }

    /// <summary>The files that failed, with their errors; filled when the job is asked for by id (Get-AzBlobJob -JobId), else empty.</summary>
    public IReadOnlyList<JobFailedFile> FailedFiles { get; init; } = Array.Empty<JobFailedFile>();

    /// <summary>The vault and secret the job signed in with, as recorded (filled when asked for by id); a resume reads it again.</summary>
    public AzBlobSync.SignIn.VaultReference? SignInReference { get; init; }
}

/// <summary>One file a recorded job failed, and why.</summary>
public sealed record JobFailedFile(string Path, string? ErrorId, string? Message);
