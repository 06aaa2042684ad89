using System.Management.Automation;

namespace AzBlobSync.PowerShell;

/// <summary>Turns engine counters into Write-Progress records.</summary>
internal static class ProgressRecords
{
    public static ProgressRecord From(int activityId, string activity, JobProgress progress)
    {
        string status = progress.State switch
        {
            JobState.Starting => "Connecting",
            JobState.Scanning => $"Comparing: {progress.FilesScanned} file(s) scanned, {progress.FilesSkipped} unchanged",
            _ => $"{progress.State}: {progress.FilesTransferred} of {progress.FilesToTransfer} file(s), "
                + $"{FormatBytes(progress.BytesTransferred)} of {FormatBytes(progress.BytesToTransfer)}; "
                + $"{progress.FilesSkipped} unchanged, {progress.FilesFailed} failed",
        };
        var record = new ProgressRecord(activityId, activity, status)
        {
            PercentComplete = progress.PercentComplete ?? -1,
            RecordType = progress.IsTerminal ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        return record;
    }

    private static string FormatBytes(long bytes)
    {
        string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : $"{value:0.0} {units[unit]}";
    }
}
