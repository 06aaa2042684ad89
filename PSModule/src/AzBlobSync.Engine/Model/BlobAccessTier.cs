namespace AzBlobSync;

/// <summary>The access tier uploaded blobs are given (the service's names).</summary>
public enum BlobAccessTier
{
    Hot,
    Cool,
    Cold,

    /// <summary>Offline: the blob must be rehydrated before it can be read.</summary>
    Archive,
}
