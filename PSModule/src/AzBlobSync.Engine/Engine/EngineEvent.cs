namespace AzBlobSync.Engine;

/// <summary>One parsed event: a file's result or the job's summary (exactly one is set).</summary>
internal readonly record struct EngineEvent(TransferResult? File, JobSummary? Summary);
