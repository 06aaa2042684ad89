namespace AzBlobSync.Engine;

/// <summary>The engine's <c>operation</c>.</summary>
internal enum JobOperation
{
    /// <summary>Transfer what is missing or changed (and delete extras when asked).</summary>
    Sync,

    /// <summary>Compare only: report every difference, write nothing.</summary>
    Check,

    /// <summary>Copy a file, a folder or a folder's contents, as <see cref="SyncOptions.Overwrite"/> says; never deletes.</summary>
    Copy,
}

/// <summary>
/// How a command starts a job from <see cref="SyncOptions"/>: the parts a command decides rather
/// than the user (the operation, -WhatIf, whether the host confirms each deletion).
/// </summary>
internal readonly record struct JobStart(JobOperation Operation, bool DryRun, bool ConfirmDeletes)
{
    public static JobStart Sync(bool dryRun, bool confirmDeletes = false) => new(JobOperation.Sync, dryRun, confirmDeletes);

    public static JobStart Check { get; } = new(JobOperation.Check, false, false);

    /// <summary>A copy: with <see cref="OverwriteMode.Prompt"/> the engine asks before each overwrite by itself, so there is nothing more to ask for.</summary>
    public static JobStart Copy(bool dryRun) => new(JobOperation.Copy, dryRun, false);
}
