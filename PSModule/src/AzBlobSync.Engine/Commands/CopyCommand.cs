using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Spec;

namespace AzBlobSync.Commands;

/// <summary>
/// Everything Copy-AzBlob does, minus PowerShell: AzCopy's copy, either direction. A file; a folder with
/// <see cref="SyncOptions.Recursive"/> (it lands inside the destination under its own name); or a folder's
/// contents (<c>folder/*</c>, <c>url/prefix/*</c>). Existing destinations are handled as
/// <see cref="SyncOptions.Overwrite"/> says; with <see cref="OverwriteMode.Prompt"/> the engine asks before
/// each one and <see cref="ICommandHost.ShouldOverwrite"/> answers. Nothing is ever deleted. Every host call
/// happens on the thread that called <see cref="Run"/> or <see cref="RunEach"/>.
/// </summary>
public sealed class CopyCommand : EngineCommand
{
    public CopyCommand(ICommandHost host)
        : base(host, null)
    {
    }

    internal CopyCommand(ICommandHost host, Func<SyncOptions, JobStart, IEngineJob> startJob)
        : base(host, startJob)
    {
    }

    /// <summary>
    /// Copies <see cref="SyncOptions.Source"/> as one engine job. Writes one <see cref="TransferResult"/> per
    /// copied (or, in a dry run, would-be copied) file, skipped files only with
    /// <see cref="SyncOptions.IncludeSkipped"/> (otherwise as verbose text saying why), one non-terminating
    /// error per failed file, then the <see cref="JobSummary"/>, which it also returns. Returns null when the
    /// user declined the confirmation.
    /// </summary>
    /// <exception cref="AzBlobSyncException">Invalid input, or the job as a whole failed (<see cref="JobFailedException"/>).</exception>
    public JobSummary? Run(SyncOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        JobEndpoints endpoints = JobEndpoints.ValidateCopy(options);
        SyncOptions checkedOptions = endpoints.Options;
        bool dryRun = checkedOptions.DryRun || host.IsWhatIf;

        // Under -WhatIf the dry run's own results are the "what if" answer, so no ShouldProcess prompt.
        if (!dryRun && !host.ShouldProcess(endpoints.DestinationDisplay, Describe(endpoints)))
        {
            return null;
        }
        cancellationToken.ThrowIfCancellationRequested();

        host.WriteVerbose($"Starting a copy: {checkedOptions with { DryRun = dryRun }}");
        JobSummary summary = RunJob(
            checkedOptions,
            JobStart.Copy(dryRun),
            file => Relay(file, checkedOptions),
            request => Confirm(request, endpoints),
            cancellationToken);
        if (summary.Status == JobStatus.Cancelled)
        {
            host.WriteWarning($"The copy was cancelled; {summary.FilesTransferred} file(s) were copied before it stopped.");
        }
        host.WriteObject(summary);
        return summary;
    }

    /// <summary>
    /// Copies each of <paramref name="sources"/> in turn, one engine job each (<see cref="Run"/>), as
    /// Copy-AzBlob does for the items of a pipeline or of a wildcard. A problem with what they share (the
    /// destination, the options) is terminating. A source that cannot be copied as given (missing; a folder
    /// without Recursive; a contents marker after a file; a malformed source URL) is a non-terminating error
    /// and the others go on; the engine's check says which part it refused. Returns the summaries of the jobs that ran.
    /// </summary>
    /// <exception cref="AzBlobSyncException">The shared options or destination are invalid, or a job as a whole failed.</exception>
    public IReadOnlyList<JobSummary> RunEach(IEnumerable<string> sources, SyncOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        var summaries = new List<JobSummary>();
        foreach (string source in sources)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            try
            {
                JobEndpoints.ValidateCopy(options with { Source = source });
            }
            catch (SpecRefusedException e) when (e.Concern == SpecConcern.Source)
            {
                host.WriteError(CommandError.From(e));
                continue;
            }
            if (Run(options with { Source = source }, cancellationToken) is JobSummary summary)
            {
                summaries.Add(summary);
            }
        }
        return summaries;
    }

    private static string Describe(JobEndpoints endpoints)
    {
        SyncOptions options = endpoints.Options;
        string what;
        if (endpoints.Direction == SyncDirection.ContainerToContainer)
        {
            what = endpoints.ContentsOnly
                ? $"Copy the blobs in '{endpoints.SourceDisplay}' (server-side)"
                : $"Copy '{endpoints.SourceDisplay}' (server-side)";
        }
        else if (endpoints.Direction == SyncDirection.Download)
        {
            what = endpoints.ContentsOnly ? $"Copy the blobs in '{endpoints.SourceDisplay}'" : $"Copy '{endpoints.SourceDisplay}'";
        }
        else if (endpoints.ContentsOnly)
        {
            CopySourcePath.TrySplitContents(endpoints.LocalFolder, out string folder);
            what = $"Copy the files in '{folder.TrimEnd('\\', '/')}'";
        }
        else
        {
            what = File.Exists(endpoints.LocalFolder)
                ? $"Copy the file '{endpoints.LocalFolder}'"
                : $"Copy the folder '{endpoints.LocalFolder.TrimEnd('\\', '/')}'";
        }
        if (options.Recursive && (endpoints.ContentsOnly || !File.Exists(endpoints.LocalFolder)))
        {
            what += " and everything below it";
        }
        return what + options.Overwrite switch
        {
            OverwriteMode.False => ", keeping what already exists",
            OverwriteMode.IfSourceNewer => ", replacing what exists only where the source is newer",
            OverwriteMode.Prompt => ", asking before replacing anything that exists",
            _ => ", replacing what already exists",
        };
    }

    private bool Confirm(ConfirmationRequest request, JobEndpoints endpoints)
    {
        (string target, string action) = endpoints.ConfirmationPrompt(request);
        // A copy asks only about overwrites (it never deletes); anything else it might ask is a plain ShouldProcess.
        return request.Action == TransferAction.Delete ? host.ShouldProcess(target, action) : host.ShouldOverwrite(target, action);
    }

    private void Relay(TransferResult file, SyncOptions options)
    {
        // A skipped file has its own verbose line below; every other file says what was decided and why.
        if (file.Status != TransferStatus.Skipped)
        {
            host.WriteVerbose(FileDecisionText.Describe(file));
        }
        if (file.Warning is not null)
        {
            host.WriteWarning($"'{file.Path}': {file.Warning}");
        }
        switch (file.Status)
        {
            case TransferStatus.Failed:
                // One bad file does not stop the others: report it and go on.
                host.WriteError(CommandError.ForFailedFile(file));
                break;
            case TransferStatus.Skipped when !options.IncludeSkipped:
                host.WriteVerbose($"'{file.Path}' was not copied: {ExplainSkip(file.Reason)}.");
                break;
            default:
                host.WriteObject(file);
                break;
        }
    }

    private static string ExplainSkip(string reason) => reason switch
    {
        "exists" => "the destination exists (Overwrite is False)",
        "notNewer" => "the destination is not older than the source",
        "declined" => "overwriting it was declined",
        _ => reason,
    };
}
