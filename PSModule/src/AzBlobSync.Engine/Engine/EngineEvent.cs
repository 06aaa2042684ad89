namespace AzBlobSync.Engine;

/// <summary>One parsed event: a file's result, a confirmation request or the job's summary (exactly one is set).</summary>
internal readonly record struct EngineEvent(TransferResult? File, JobSummary? Summary, ConfirmationRequest? Confirmation = null);
