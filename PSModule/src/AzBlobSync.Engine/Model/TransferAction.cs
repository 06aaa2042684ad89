namespace AzBlobSync;

/// <summary>What the sync plan decided for a file.</summary>
public enum TransferAction
{
    Upload,
    Skip,
}
