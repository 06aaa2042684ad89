namespace AzBlobSync;

/// <summary>One difference Test-AzBlobSync found between source and destination (nothing was written).</summary>
public sealed record SyncDifference
{
    /// <summary>Path relative to the folder (and to the container prefix), '/'-separated.</summary>
    public required string Path { get; init; }

    /// <summary>Full blob name in the container (prefix included).</summary>
    public required string Blob { get; init; }

    public required DifferenceKind Kind { get; init; }

    /// <summary>The engine's reason: missing, sizeChanged, modifiedTimeChanged, newerThanDestination, extra; with CompareHash MD5 also contentChanged or noHashToCompare.</summary>
    public required string Reason { get; init; }

    /// <summary>What a sync would do about it: Upload, Download, Copy (between containers), or Delete (with DeleteDestination).</summary>
    public required TransferAction Action { get; init; }

    /// <summary>Bytes a sync would copy (0 for an extra).</summary>
    public required long Bytes { get; init; }

    /// <summary>
    /// Classifies a check's would-be action: a delete is an extra, a copy of something missing is
    /// missing, any other copy is a change. Null for results that are not differences (unchanged,
    /// failed), which the caller handles itself.
    /// </summary>
    public static SyncDifference? From(TransferResult result)
    {
        System.ArgumentNullException.ThrowIfNull(result);
        if (result.Status != TransferStatus.WhatIf)
        {
            return null;
        }
        DifferenceKind? kind = result.Action switch
        {
            TransferAction.Delete => DifferenceKind.Extra,
            TransferAction.Upload or TransferAction.Download or TransferAction.Copy when result.Reason == "missing" => DifferenceKind.Missing,
            TransferAction.Upload or TransferAction.Download or TransferAction.Copy => DifferenceKind.Changed,
            _ => null,
        };
        return kind is DifferenceKind k
            ? new SyncDifference { Path = result.Path, Blob = result.Blob, Kind = k, Reason = result.Reason, Action = result.Action, Bytes = result.Bytes }
            : null;
    }
}
