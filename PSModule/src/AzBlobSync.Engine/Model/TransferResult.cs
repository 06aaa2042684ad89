namespace AzBlobSync;

/// <summary>One file's outcome, as the engine reported it.</summary>
public sealed record TransferResult
{
    /// <summary>Path relative to the folder (and to the container prefix), '/'-separated.</summary>
    public required string Path { get; init; }

    /// <summary>Full blob name in the container (prefix included).</summary>
    public required string Blob { get; init; }

    public required TransferAction Action { get; init; }

    public required TransferStatus Status { get; init; }

    /// <summary>
    /// Why the plan chose the action: missing, sizeChanged, modifiedTimeChanged, newerThanDestination,
    /// unchanged, unreadable; with CompareHash MD5 also contentChanged and noHashToCompare; for a copy copy
    /// (the destination was not looked at), overwrite, exists and notNewer (skipped), or declined (an
    /// overwrite refused); for deletions extra, or declined when the confirmation was refused.
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>Bytes moved (or that would move, in a dry run).</summary>
    public required long Bytes { get; init; }

    /// <summary>Base64 MD5 of the content, when it was computed (-PutMd5 on upload, -CheckMd5 on download).</summary>
    public string? ContentMd5 { get; init; }

    /// <summary>Why the file failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>The file moved but something deserves attention (the engine's per-file warning, e.g. an MD5 mismatch under LogOnly).</summary>
    public string? Warning { get; init; }

    /// <summary>Stable id of the failure, prefixed like every id of this module (e.g. <c>AzBlobSync.LocalIoError</c>).</summary>
    public string? ErrorId { get; init; }
}
