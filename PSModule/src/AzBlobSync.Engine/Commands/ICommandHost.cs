namespace AzBlobSync.Commands;

/// <summary>
/// What a command needs from its host (PowerShell's cmdlet, or a test). <see cref="SyncCommand"/>,
/// <see cref="CheckCommand"/> and <see cref="CopyCommand"/> call it only from the thread that called their
/// Run, as PowerShell requires.
/// </summary>
public interface ICommandHost
{
    /// <summary>True under -WhatIf (or $WhatIfPreference): the command runs as a dry run.</summary>
    bool IsWhatIf { get; }

    void WriteObject(object value);

    /// <summary>A snapshot of the job; a terminal <see cref="JobProgress.State"/> means the activity is over.</summary>
    void WriteProgress(JobProgress progress);

    void WriteWarning(string message);

    void WriteVerbose(string message);

    /// <summary>A non-terminating error: the command goes on.</summary>
    void WriteError(CommandError error);

    /// <summary>
    /// Confirms an action that changes something (-Confirm, $ConfirmPreference): the sync as a whole,
    /// then each deletion, while the engine waits for the answer. Returns true without prompting when
    /// nothing asks for confirmation.
    /// </summary>
    bool ShouldProcess(string target, string action);

    /// <summary>
    /// Confirms replacing an existing destination, for a copy with <see cref="OverwriteMode.Prompt"/>, while the
    /// engine waits for the answer. The user asked to be asked, so a host may ask even when nothing else asks for
    /// confirmation (PowerShell's host does). By default the same as <see cref="ShouldProcess"/>.
    /// </summary>
    bool ShouldOverwrite(string target, string action) => ShouldProcess(target, action);
}
