using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security;
using AzBlobSync.Destination;

namespace AzBlobSync;

/// <summary>
/// What to sync (or check) and how. The account key stays a <see cref="SecureString"/> until the
/// moment the job starts and never appears in <see cref="ToString"/>; a SAS signature in
/// <see cref="Source"/> or <see cref="Destination"/> is redacted wherever this object is shown.
/// </summary>
public sealed record SyncOptions
{
    /// <summary>Largest accepted <see cref="Concurrency"/> (the engine's limit).</summary>
    public const int MaxConcurrency = 512;

    /// <summary>Which way data moves; decides what <see cref="Source"/> and <see cref="Destination"/> hold.</summary>
    public SyncDirection Direction { get; init; } = SyncDirection.Upload;

    /// <summary>Upload: local folder (a file-system path, already resolved by the caller). Download: container URL, optionally with a prefix and a SAS query.</summary>
    public required string Source { get; init; }

    /// <summary>Upload: container URL, optionally with a prefix and a SAS query. Download: local folder (created if missing).</summary>
    public required string Destination { get; init; }

    /// <summary>Uploads: compute each file's MD5 and store it as the blob's Content-MD5.</summary>
    public bool PutMd5 { get; init; }

    /// <summary>Downloads: what to do with the blob's Content-MD5.</summary>
    public CheckMd5Mode CheckMd5 { get; init; } = CheckMd5Mode.FailIfDifferent;

    /// <summary>Plan only: report what would transfer, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Parallel requests, 1..512; null lets the engine choose from the machine.</summary>
    public int? Concurrency { get; init; }

    /// <summary>
    /// Storage account key (base64). Null with no SAS in the URL makes the engine use
    /// AZCOPY_ACCOUNT_KEY or AZURE_STORAGE_KEY. The caller keeps ownership (and disposal).
    /// </summary>
    public SecureString? AccountKey { get; init; }

    /// <summary>Also emit files the plan skipped (unchanged) and declined deletions as results; by default only the summary counts them.</summary>
    public bool IncludeSkipped { get; init; }

    /// <summary>Delete destination entries that have no source (inside the filters), each confirmed through the host.</summary>
    public bool DeleteDestination { get; init; }

    /// <summary>With <see cref="DeleteDestination"/>: when the plan would delete more than this, nothing is deleted and the job fails.</summary>
    public long? MaxDelete { get; init; }

    /// <summary>Wildcards on the file NAME; only matching files take part. A ';' inside a value also separates.</summary>
    public IReadOnlyList<string> IncludePattern { get; init; } = Array.Empty<string>();

    /// <summary>Wildcards on the file NAME; matching files are left out.</summary>
    public IReadOnlyList<string> ExcludePattern { get; init; } = Array.Empty<string>();

    /// <summary>Relative paths (a file, or a folder and all below it); only these take part.</summary>
    public IReadOnlyList<string> IncludePath { get; init; } = Array.Empty<string>();

    /// <summary>Relative paths (a file, or a folder and all below it) left out; excluded folders are never listed.</summary>
    public IReadOnlyList<string> ExcludePath { get; init; } = Array.Empty<string>();

    /// <summary>Regular expressions (the engine's syntax) on the relative path; only matching files take part.</summary>
    public IReadOnlyList<string> IncludeRegex { get; init; } = Array.Empty<string>();

    /// <summary>Regular expressions on the relative path; matching files are left out.</summary>
    public IReadOnlyList<string> ExcludeRegex { get; init; } = Array.Empty<string>();

    /// <summary>Only files modified at or after this time. An Unspecified kind is local time, as PowerShell's [DateTime] parameters are.</summary>
    public DateTime? IncludeAfter { get; init; }

    /// <summary>Only files modified at or before this time.</summary>
    public DateTime? IncludeBefore { get; init; }

    /// <summary>Only files at least this old.</summary>
    public TimeSpan? MinAge { get; init; }

    /// <summary>Only files at most this old.</summary>
    public TimeSpan? MaxAge { get; init; }

    public override string ToString() =>
        $"{Direction} '{SecretRedaction.RedactSignatures(Source)}' -> '{SecretRedaction.RedactSignatures(Destination)}' "
        + $"(PutMd5={PutMd5}, CheckMd5={CheckMd5}, DryRun={DryRun}, Concurrency={(Concurrency?.ToString() ?? "default")}, "
        + $"AccountKey={(AccountKey is null ? "not set" : "set")}, IncludeSkipped={IncludeSkipped}, "
        + $"DeleteDestination={DeleteDestination}, MaxDelete={(MaxDelete?.ToString() ?? "none")}, Filters={DescribeFilters()})";

    /// <summary>The filters that are set, e.g. <c>ExcludePattern=*.tmp;*.bak ExcludePath=logs</c>, or <c>none</c>.</summary>
    private string DescribeFilters()
    {
        var parts = new List<string>();
        void Add(string name, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                parts.Add($"{name}={string.Join(';', values)}");
            }
        }
        void AddValue(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name}={value}"));
            }
        }
        Add(nameof(IncludePattern), IncludePattern);
        Add(nameof(ExcludePattern), ExcludePattern);
        Add(nameof(IncludePath), IncludePath);
        Add(nameof(ExcludePath), ExcludePath);
        Add(nameof(IncludeRegex), IncludeRegex);
        Add(nameof(ExcludeRegex), ExcludeRegex);
        AddValue(nameof(IncludeAfter), IncludeAfter is DateTime after ? Engine.JobSpecWriter.FormatTime(after) : null);
        AddValue(nameof(IncludeBefore), IncludeBefore is DateTime before ? Engine.JobSpecWriter.FormatTime(before) : null);
        AddValue(nameof(MinAge), MinAge);
        AddValue(nameof(MaxAge), MaxAge);
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }
}
