namespace AzBlobSync;

/// <summary>What the sync plan decided for a file.</summary>
public enum TransferAction
{
    /// <summary>Folder to container.</summary>
    Upload,

    /// <summary>Unchanged: nothing to do.</summary>
    Skip,

    /// <summary>Container to folder.</summary>
    Download,

    /// <summary>Removing an extra at the destination (a blob, or a local file in a download), only with DeleteDestination.</summary>
    Delete,

    /// <summary>Container to container: a server-side copy of a blob (no bytes through this machine).</summary>
    Copy,
}
