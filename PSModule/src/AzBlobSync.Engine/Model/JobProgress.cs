namespace AzBlobSync;

/// <summary>A snapshot of a running job's counters; "to transfer" totals grow while the plan is still being made.</summary>
public sealed record JobProgress(
    JobState State,
    long FilesScanned,
    long FilesToTransfer,
    long FilesTransferred,
    long FilesSkipped,
    long FilesFailed,
    long BytesToTransfer,
    long BytesTransferred)
{
    public static JobProgress Initial { get; } = new(JobState.Starting, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>True once the job has ended, however it ended.</summary>
    public bool IsTerminal => State is JobState.Completed or JobState.Cancelled or JobState.Failed;

    /// <summary>Share of the planned bytes already sent, 0-100; null while nothing is planned.</summary>
    public int? PercentComplete =>
        BytesToTransfer <= 0 ? null : (int)System.Math.Clamp(100.0 * BytesTransferred / BytesToTransfer, 0, 100);
}
