using System.Management.Automation;
using AzBlobSync.Commands;

namespace AzBlobSync.PowerShell;

/// <summary>
/// Lets <see cref="SyncCommand"/> write through a cmdlet. SyncCommand calls it only on the thread
/// that runs ProcessRecord, which is the only thread PowerShell allows to write.
/// </summary>
internal sealed class CmdletCommandHost : ICommandHost
{
    private const int ProgressActivityId = 0x5A5B;
    private const string ProgressActivity = "Sync-AzBlob";

    private readonly PSCmdlet cmdlet;

    public CmdletCommandHost(PSCmdlet cmdlet, bool isWhatIf)
    {
        this.cmdlet = cmdlet;
        IsWhatIf = isWhatIf;
    }

    public bool IsWhatIf { get; }

    public void WriteObject(object value) => cmdlet.WriteObject(value);

    public void WriteProgress(JobProgress progress) => cmdlet.WriteProgress(ProgressRecords.From(ProgressActivityId, ProgressActivity, progress));

    public void WriteWarning(string message) => cmdlet.WriteWarning(message);

    public void WriteVerbose(string message) => cmdlet.WriteVerbose(message);

    public void WriteError(CommandError error) => cmdlet.WriteError(ErrorRecords.From(error));

    public bool ShouldProcess(string target, string action) => cmdlet.ShouldProcess(target, action);
}
