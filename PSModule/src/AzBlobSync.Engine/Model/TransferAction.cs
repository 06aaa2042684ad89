namespace AzBlobSync;

/// <summary>What the sync plan decided for a file.</summary>
public enum TransferAction
{
    Upload,
    Skip,

    /// <summary>Container to folder (engine's download direction; Sync-AzBlob does not request it yet).</summary>
    Download,

    /// <summary>Removing an extra at the destination (engine's delete-destination; not requested by Sync-AzBlob yet).</summary>
    Delete,
}
