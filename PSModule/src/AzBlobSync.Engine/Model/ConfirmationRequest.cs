namespace AzBlobSync;

/// <summary>
/// The engine asks before an action (each deletion, when the job asked for confirmations; each overwrite of
/// an existing destination, in a copy with <see cref="OverwriteMode.Prompt"/>) and waits until the host
/// answers it through <see cref="Engine.SyncJob.Answer"/>.
/// </summary>
public sealed record ConfirmationRequest
{
    /// <summary>The engine's request number, to answer with.</summary>
    public required ulong Id { get; init; }

    public required TransferAction Action { get; init; }

    /// <summary>Relative path, '/'-separated.</summary>
    public required string Path { get; init; }

    /// <summary>Full blob name in the container (prefix included).</summary>
    public required string Blob { get; init; }

    /// <summary>Why the engine wants to do it (<c>extra</c>: a deletion, no source for it; <c>overwrite</c>: the destination exists).</summary>
    public required string Reason { get; init; }
}
