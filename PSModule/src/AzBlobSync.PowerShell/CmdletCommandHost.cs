using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// Lets the engine layer's commands (<see cref="SyncCommand"/>, <see cref="CheckCommand"/>) write
/// through a cmdlet. They call it only on the thread that runs ProcessRecord, which is the only
/// thread PowerShell allows to write.
/// </summary>
internal sealed class CmdletCommandHost : ICommandHost
{
    private const int ProgressActivityId = 0x5A5B;

    private readonly PSCmdlet cmdlet;
    private readonly string progressActivity;

    /// <param name="cmdlet">The cmdlet to write through.</param>
    /// <param name="isWhatIf">-WhatIf (or $WhatIfPreference) is in effect.</param>
    /// <param name="progressActivity">The progress bar's title: the cmdlet's name.</param>
    public CmdletCommandHost(PSCmdlet cmdlet, bool isWhatIf, string progressActivity)
    {
        this.cmdlet = cmdlet;
        this.progressActivity = progressActivity;
        IsWhatIf = isWhatIf;
    }

    public bool IsWhatIf { get; }

    public void WriteObject(object value) => cmdlet.WriteObject(value);

    public void WriteProgress(JobProgress progress) => cmdlet.WriteProgress(ProgressRecords.From(ProgressActivityId, progressActivity, progress));

    public void WriteWarning(string message) => cmdlet.WriteWarning(message);

    public void WriteVerbose(string message) => cmdlet.WriteVerbose(message);

    public void WriteError(CommandError error) => cmdlet.WriteError(ErrorRecords.From(error));

    public bool ShouldProcess(string target, string action) => cmdlet.ShouldProcess(target, action);
}
