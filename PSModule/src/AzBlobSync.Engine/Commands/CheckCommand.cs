using System;
using System.Threading;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// Everything Test-AzBlobSync does, minus PowerShell: compare source and destination with the
/// engine's check operation (writes nothing, either direction, same filters as a sync) and report
/// each difference, or only whether there is none. Every host call happens on the calling thread.
/// </summary>
public sealed class CheckCommand : EngineCommand
{
    public CheckCommand(ICommandHost host)
        : base(host, null)
    {
    }

    internal CheckCommand(ICommandHost host, Func<SyncOptions, JobStart, IEngineJob> startJob)
        : base(host, startJob)
    {
    }

    /// <summary>
    /// Runs the check. Writes one <see cref="SyncDifference"/> per difference as it is found (missing,
    /// changed, and extra: a check always reports extras), or with <paramref name="quiet"/> only one
    /// bool at the end: true when nothing differs and every file could be compared. A file that could
    /// not be compared is a non-terminating error. Returns the summary (its
    /// <see cref="JobSummary.Differences"/> is the count), which it writes only as verbose text.
    /// </summary>
    /// <remarks>Deletion and transfer settings in <paramref name="options"/> (DeleteDestination, MaxDelete, DryRun) do not apply and are ignored.</remarks>
    /// <exception cref="AzBlobSyncException">Invalid input, or the check as a whole could not run (<see cref="JobFailedException"/>).</exception>
    public JobSummary Run(SyncOptions options, bool quiet = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A check never deletes; a MaxDelete would make the engine refuse a check that finds many extras.
        JobEndpoints endpoints = JobEndpoints.Validate(options with { DeleteDestination = false, MaxDelete = null, DryRun = false });
        SyncOptions checkedOptions = endpoints.Options;
        cancellationToken.ThrowIfCancellationRequested();

        host.WriteVerbose($"Comparing: {checkedOptions}");
        JobSummary summary = RunJob(
            checkedOptions,
            JobStart.Check,
            file => Relay(file, quiet),
            // A check asks nothing; should a request ever come, decline it: a check must not change anything.
            _ => false,
            cancellationToken);
        host.WriteVerbose(
            $"{summary.Differences} difference(s) between '{endpoints.SourceDisplay}' and '{endpoints.DestinationDisplay}'; "
            + $"{summary.FilesSkipped} unchanged, {summary.FilesFailed} could not be compared.");
        if (summary.Status == JobStatus.Cancelled)
        {
            host.WriteWarning("The check was cancelled before it finished; the differences written are not all there are.");
            return summary;
        }
        if (quiet)
        {
            host.WriteObject(IsInSync(summary));
        }
        return summary;
    }

    /// <summary>In sync: the check finished, found no difference, and compared every file.</summary>
    public static bool IsInSync(JobSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.Status == JobStatus.Completed && summary.Differences == 0 && summary.FilesFailed == 0;
    }

    private void Relay(TransferResult file, bool quiet)
    {
        if (file.Status == TransferStatus.Failed)
        {
            host.WriteError(CommandError.ForUncomparedFile(file));
            return;
        }
        if (!quiet && SyncDifference.From(file) is SyncDifference difference)
        {
            host.WriteObject(difference);
        }
    }
}
