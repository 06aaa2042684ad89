namespace AzBlobSync;

/// <summary>How a whole job ended (a summary), or where a recorded job stands (the journal: also <see cref="Running"/> and <see cref="Interrupted"/>).</summary>
public enum JobStatus
{
    Completed,

    /// <summary>The job ran to the end but some files failed (each was reported on its own).</summary>
    CompletedWithErrors,
    Cancelled,

    /// <summary>The job as a whole could not run (bad source, container, credentials...).</summary>
    Failed,

    /// <summary>Journal only: the job is running now, in this or another process.</summary>
    Running,

    /// <summary>Journal only: the job's process died before it ended (kill, reboot); it can be resumed.</summary>
    Interrupted,
}
