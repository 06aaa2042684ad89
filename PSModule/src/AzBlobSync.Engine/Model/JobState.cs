namespace AzBlobSync;

/// <summary>Where a running job is; the numeric values are the C ABI's <c>state</c> field.</summary>
public enum JobState
{
    Starting = 0,
    Scanning = 1,
    Transferring = 2,
    Completed = 3,
    Cancelled = 4,
    Failed = 5,
}
