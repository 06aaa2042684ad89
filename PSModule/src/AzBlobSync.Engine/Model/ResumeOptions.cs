using System.Collections.Generic;
using System.Security;

namespace AzBlobSync;

/// <summary>
/// What Resume-AzBlobJob gives the engine to run a recorded job again: the job's id and journal, and
/// the sign-in the journal never keeps (a SAS, an account key, a client secret). Everything else comes
/// from the recorded spec. The caller keeps ownership of the secure strings and the sign-in.
/// </summary>
public sealed record ResumeOptions
{
    public required string JobId { get; init; }

    /// <summary>The journal's folder; null for the engine's default.</summary>
    public string? JobDirectory { get; init; }

    /// <summary>The source's SAS (query string), when the job read its source with one.</summary>
    public SecureString? SourceSas { get; init; }

    /// <summary>The destination's SAS (query string), when the job wrote with one.</summary>
    public SecureString? DestinationSas { get; init; }

    public SecureString? AccountKey { get; init; }

    public AzBlobSync.SignIn.SignInCredential? SignIn { get; init; }

    /// <summary>AzCopy's sign-in variables as the host found them (read again on every resume).</summary>
    public IReadOnlyDictionary<string, string>? AzCopyEnvironment { get; init; }

    public string? CaCertificatePath { get; init; }

    public string? AuthorityHost { get; init; }

    /// <summary>A national cloud for the sign-in; null keeps what the job recorded.</summary>
    public AzureEnvironment? Environment { get; init; }

    /// <summary>Parallel requests for this run; the recorded value when null.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Also output unchanged (skipped) files, as Sync-AzBlob -IncludeSkipped.</summary>
    public bool IncludeSkipped { get; init; }

    public override string ToString() =>
        $"resume job '{JobId}' (JobDirectory={JobDirectory ?? "default"}, SourceSas={(SourceSas is null ? "not set" : "set")}, "
        + $"DestinationSas={(DestinationSas is null ? "not set" : "set")}, AccountKey={(AccountKey is null ? "not set" : "set")}, SignIn={(SignIn?.ToString() ?? "none")})";
}
