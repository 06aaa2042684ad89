using System.Security;
using AzBlobSync.Destination;

namespace AzBlobSync;

/// <summary>
/// What to sync and how. The account key stays a <see cref="SecureString"/> until the moment the
/// job starts and never appears in <see cref="ToString"/>; a SAS signature in
/// <see cref="Destination"/> is redacted wherever this object is shown.
/// </summary>
public sealed record SyncOptions
{
    /// <summary>Largest accepted <see cref="Concurrency"/> (the engine's limit).</summary>
    public const int MaxConcurrency = 512;

    /// <summary>Local folder (a file-system path, already resolved by the caller).</summary>
    public required string Source { get; init; }

    /// <summary>Container URL, optionally with a prefix and a SAS query.</summary>
    public required string Destination { get; init; }

    /// <summary>Compute each file's MD5 and store it as the blob's Content-MD5.</summary>
    public bool PutMd5 { get; init; }

    /// <summary>Plan only: report what would transfer, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Parallel requests, 1..512; null lets the engine choose from the machine.</summary>
    public int? Concurrency { get; init; }

    /// <summary>
    /// Storage account key (base64). Null with no SAS in the URL makes the engine use
    /// AZCOPY_ACCOUNT_KEY or AZURE_STORAGE_KEY. The caller keeps ownership (and disposal).
    /// </summary>
    public SecureString? AccountKey { get; init; }

    /// <summary>Also emit files the plan skipped (unchanged) as results; by default only the summary counts them.</summary>
    public bool IncludeSkipped { get; init; }

    public override string ToString() =>
        $"Sync '{Source}' -> '{SecretRedaction.RedactSignatures(Destination)}' "
        + $"(PutMd5={PutMd5}, DryRun={DryRun}, Concurrency={(Concurrency?.ToString() ?? "default")}, "
        + $"AccountKey={(AccountKey is null ? "not set" : "set")}, IncludeSkipped={IncludeSkipped})";
}
