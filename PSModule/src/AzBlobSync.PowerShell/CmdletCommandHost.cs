using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// Lets the engine layer's commands (<see cref="SyncCommand"/>, <see cref="CheckCommand"/>, <see cref="CopyCommand"/>) write
/// through a cmdlet. They call it only on the thread that runs ProcessRecord, which is the only
/// thread PowerShell allows to write.
/// </summary>
internal sealed class CmdletCommandHost : ICommandHost
{
    private const int ProgressActivityId = 0x5A5B;

    private readonly PSCmdlet cmdlet;
    private readonly string progressActivity;
    private readonly bool askBeforeOverwriting;
    private bool yesToAll;
    private bool noToAll;

    /// <param name="cmdlet">The cmdlet to write through.</param>
    /// <param name="isWhatIf">-WhatIf (or $WhatIfPreference) is in effect.</param>
    /// <param name="progressActivity">The progress bar's title: the cmdlet's name.</param>
    /// <param name="askBeforeOverwriting">
    /// -Overwrite Prompt without -Confirm: ShouldProcess would approve each overwrite silently, so
    /// <see cref="ShouldOverwrite"/> also asks (ShouldContinue, with Yes to All and No to All).
    /// </param>
    public CmdletCommandHost(PSCmdlet cmdlet, bool isWhatIf, string progressActivity, bool askBeforeOverwriting = false)
    {
        this.cmdlet = cmdlet;
        this.progressActivity = progressActivity;
        this.askBeforeOverwriting = askBeforeOverwriting;
        IsWhatIf = isWhatIf;
    }

    public bool IsWhatIf { get; }

    public void WriteObject(object value) => Write(() => cmdlet.WriteObject(value));

    public void WriteProgress(JobProgress progress) => Write(() => cmdlet.WriteProgress(ProgressRecords.From(ProgressActivityId, progressActivity, progress)));

    /// <summary>
    /// Once the pipeline is stopping PowerShell refuses every write, so the warning that says how far a stopped job
    /// got goes straight to the host's console instead (where Ctrl+C was pressed).
    /// </summary>
    public void WriteWarning(string message)
    {
        if (cmdlet.Stopping)
        {
            cmdlet.Host?.UI?.WriteWarningLine(message);
            return;
        }
        Write(() => cmdlet.WriteWarning(message));
    }

    public void WriteVerbose(string message) => Write(() => cmdlet.WriteVerbose(message));

    public void WriteError(CommandError error) => Write(() => cmdlet.WriteError(ErrorRecords.From(error)));

    /// <summary>
    /// Writes unless the pipeline is stopping: then the write is dropped rather than thrown, so the engine layer
    /// keeps polling until the cancelled job has really finished (and cleaned up) before the cmdlet returns.
    /// </summary>
    private void Write(System.Action write)
    {
        if (cmdlet.Stopping)
        {
            return;
        }
        try
        {
            write();
        }
        catch (PipelineStoppedException)
        {
            // Stopped between the check and the write: the same as stopping before it.
        }
    }

    public bool ShouldProcess(string target, string action) => cmdlet.ShouldProcess(target, action);

    public bool ShouldOverwrite(string target, string action) =>
        cmdlet.ShouldProcess(target, action)
        && (!askBeforeOverwriting || cmdlet.ShouldContinue($"{action} '{target}'?", "Confirm overwrite", ref yesToAll, ref noToAll));
}
