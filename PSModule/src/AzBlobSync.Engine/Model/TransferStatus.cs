namespace AzBlobSync;

/// <summary>How a file's transfer ended.</summary>
public enum TransferStatus
{
    Success,
    Skipped,
    Failed,

    /// <summary>Dry run (-WhatIf): what a real run would have done; nothing was written.</summary>
    WhatIf,

    /// <summary>The job was cancelled before this file finished; no partial blob is left.</summary>
    Cancelled,
}
