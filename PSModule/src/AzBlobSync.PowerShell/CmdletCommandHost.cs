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

    public void WriteObject(object value) => cmdlet.WriteObject(value);

    public void WriteProgress(JobProgress progress) => cmdlet.WriteProgress(ProgressRecords.From(ProgressActivityId, progressActivity, progress));

    public void WriteWarning(string message) => cmdlet.WriteWarning(message);

    public void WriteVerbose(string message) => cmdlet.WriteVerbose(message);

    public void WriteError(CommandError error) => cmdlet.WriteError(ErrorRecords.From(error));

    public bool ShouldProcess(string target, string action) => cmdlet.ShouldProcess(target, action);

    public bool ShouldOverwrite(string target, string action) =>
        cmdlet.ShouldProcess(target, action)
        && (!askBeforeOverwriting || cmdlet.ShouldContinue($"{action} '{target}'?", "Confirm overwrite", ref yesToAll, ref noToAll));
}
