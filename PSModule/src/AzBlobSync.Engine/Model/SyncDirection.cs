namespace AzBlobSync;

/// <summary>Which way a job moves data; decides what <see cref="SyncOptions.Source"/> and <see cref="SyncOptions.Destination"/> are.</summary>
public enum SyncDirection
{
    /// <summary>Source is a local folder, destination a container URL.</summary>
    Upload,

    /// <summary>Source is a container URL, destination a local folder (created if missing).</summary>
    Download,

    /// <summary>
    /// Source and destination are both container URLs: server-side copies (the service copies each blob from the
    /// source's URL; no bytes pass through this machine). A source in another account needs a SAS on its URL.
    /// </summary>
    ContainerToContainer,
}
