using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security;
using AzBlobSync.Destination;

namespace AzBlobSync;

/// <summary>
/// What to sync, check or copy, and how. The account key stays a <see cref="SecureString"/> until the
/// moment the job starts and never appears in <see cref="ToString"/>; a SAS signature in
/// <see cref="Source"/> or <see cref="Destination"/> is redacted wherever this object is shown.
/// </summary>
public sealed record SyncOptions
{
    /// <summary>Largest accepted <see cref="Concurrency"/> (the engine's limit, generated from it).</summary>
    public const int MaxConcurrency = Spec.EngineLimits.MaxConcurrency;

    /// <summary>Most index tags a blob takes (the service's limit, generated from the engine).</summary>
    public const int MaxTags = Spec.EngineLimits.MaxTags;

    private static readonly IReadOnlyDictionary<string, string> EmptyProperties = new Dictionary<string, string>();

    /// <summary>Which way data moves; decides what <see cref="Source"/> and <see cref="Destination"/> hold.</summary>
    public SyncDirection Direction { get; init; } = SyncDirection.Upload;

    /// <summary>
    /// Upload: local folder (a file-system path, already resolved by the caller); a copy also takes a file, or a
    /// folder's contents as <c>folder/*</c> (<see cref="Commands.CopySourcePath"/>). Download: container URL, optionally
    /// with a prefix and a SAS query; a copy also takes <c>url/prefix/*</c> (the contents) or the URL of one blob.
    /// ContainerToContainer: the source container URL, as for a download (a SAS is needed when its account differs from the destination's).
    /// </summary>
    public required string Source { get; init; }

    /// <summary>
    /// Upload: container URL, optionally with a prefix and a SAS query (a copy of one file to a URL not ending in
    /// '/' names the blob). Download: local folder (created if missing); a copy of one blob may name the file.
    /// ContainerToContainer: the destination container URL, as for an upload (a copy of one blob to a URL not ending in '/' names it).
    /// </summary>
    public required string Destination { get; init; }

    /// <summary>Uploads: compute each file's MD5 and store it as the blob's Content-MD5.</summary>
    public bool PutMd5 { get; init; }

    /// <summary>Downloads: what to do with the blob's Content-MD5.</summary>
    public CheckMd5Mode CheckMd5 { get; init; } = CheckMd5Mode.FailIfDifferent;

    /// <summary>Sync and check: judge same-sized pairs by content (MD5) instead of modified time.</summary>
    public CompareHashMode CompareHash { get; init; } = CompareHashMode.None;

    /// <summary>With <see cref="CompareHash"/> MD5: the file that remembers local MD5s between runs; null for the engine's default (in the user's cache folder).</summary>
    public string? HashCachePath { get; init; }

    /// <summary>Copy only: descend into sub-folders. A folder (not its contents) needs it.</summary>
    public bool Recursive { get; init; }

    /// <summary>Copy only: what to do when the destination exists.</summary>
    public OverwriteMode Overwrite { get; init; } = OverwriteMode.True;

    /// <summary>Uploads: Content-Type for every blob instead of the one guessed from the extension; null to guess.</summary>
    public string? ContentType { get; init; }

    /// <summary>Uploads: Cache-Control for every blob.</summary>
    public string? CacheControl { get; init; }

    /// <summary>Uploads: metadata for every blob. Names are C# identifiers; <c>mtime</c> is reserved (it holds the source's modified time).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyProperties;

    /// <summary>Uploads: blob index tags for every blob (at most 10).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyProperties;

    /// <summary>Uploads: the access tier every blob gets; null for the account's default.</summary>
    public BlobAccessTier? AccessTier { get; init; }

    /// <summary>Plan only: report what would transfer, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Parallel requests, 1..512; null lets the engine choose from the machine.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Part (block) size for large files in bytes; null lets the engine choose from the file size. The engine checks it.</summary>
    public long? BlockSizeBytes { get; init; }

    /// <summary>Most bytes of transfer buffers held at once, job-wide; null for the engine's default (256 MiB). The engine checks it.</summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>
    /// Storage account key (base64). The caller keeps ownership (and disposal). Without it, a
    /// <see cref="SignIn"/> or a SAS, AzCopy's variables in <see cref="AzCopyEnvironment"/> decide.
    /// </summary>
    public SecureString? AccountKey { get; init; }

    /// <summary>An Entra ID identity (service principal from a vault or a credential, managed identity, ...). The caller keeps ownership.</summary>
    public AzBlobSync.SignIn.SignInCredential? SignIn { get; init; }

    /// <summary>The vault and secret <see cref="SignIn"/> was read from, recorded with the job (never the secret).</summary>
    public AzBlobSync.SignIn.VaultReference? SignInReference { get; init; }

    /// <summary>
    /// AzCopy's sign-in variables (AZCOPY_AUTO_LOGIN_TYPE and companions, AZCOPY_ACCOUNT_KEY) as the
    /// host found them in its environment; the engine uses them only when nothing more specific is given.
    /// </summary>
    public IReadOnlyDictionary<string, string>? AzCopyEnvironment { get; init; }

    /// <summary>PEM bundle of extra certificate authorities to trust for storage and sign-in (a TLS-inspecting proxy's).</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>The sign-in authority of a custom cloud; default AZURE_AUTHORITY_HOST, then the public cloud.</summary>
    public string? AuthorityHost { get; init; }

    /// <summary>A national cloud whose sign-in authority to ask; <see cref="AuthorityHost"/> wins over it. The engine maps it.</summary>
    public AzureEnvironment? Environment { get; init; }

    /// <summary>The folder of the job journal and logs; null for the engine's default (the user's state folder).</summary>
    public string? JobDirectory { get; init; }

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
        + $"BlockSizeBytes={(BlockSizeBytes?.ToString() ?? "default")}, MemoryBudgetBytes={(MemoryBudgetBytes?.ToString() ?? "default")}, "
        + $"AccountKey={(AccountKey is null ? "not set" : "set")}, SignIn={(SignIn?.ToString() ?? "none")}, IncludeSkipped={IncludeSkipped}, "
        + $"DeleteDestination={DeleteDestination}, MaxDelete={(MaxDelete?.ToString() ?? "none")}, "
        + $"CompareHash={CompareHash}{(HashCachePath is null ? string.Empty : $", HashCachePath={HashCachePath}")}, "
        + $"Recursive={Recursive}, Overwrite={Overwrite}, Filters={DescribeFilters()}, Properties={DescribeProperties()})";

    /// <summary>The upload properties that are set, e.g. <c>ContentType=text/plain Metadata=dept=hr AccessTier=Cool</c>, or <c>none</c>.</summary>
    private string DescribeProperties()
    {
        var parts = new List<string>();
        if (ContentType is not null)
        {
            parts.Add($"ContentType={ContentType}");
        }
        if (CacheControl is not null)
        {
            parts.Add($"CacheControl={CacheControl}");
        }
        if (Metadata.Count > 0)
        {
            parts.Add($"Metadata={string.Join(';', Pairs(Metadata))}");
        }
        if (Tags.Count > 0)
        {
            parts.Add($"Tags={string.Join(';', Pairs(Tags))}");
        }
        if (AccessTier is BlobAccessTier tier)
        {
            parts.Add($"AccessTier={tier}");
        }
        return parts.Count == 0 ? "none" : string.Join(' ', parts);

        static IEnumerable<string> Pairs(IReadOnlyDictionary<string, string> values)
        {
            foreach (KeyValuePair<string, string> pair in values)
            {
                yield return $"{pair.Key}={pair.Value}";
            }
        }
    }

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
