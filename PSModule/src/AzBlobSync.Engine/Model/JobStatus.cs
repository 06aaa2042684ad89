namespace AzBlobSync;

/// <summary>How a whole job ended.</summary>
public enum JobStatus
{
    Completed,

    /// <summary>The job ran to the end but some files failed (each was reported on its own).</summary>
    CompletedWithErrors,
    Cancelled,

    /// <summary>The job as a whole could not run (bad source, container, credentials...).</summary>
    Failed,
}
