using System.Text.Json.Serialization;

namespace AzBlobSync.Engine;

/// <summary>
/// One event line as the engine writes it (every kind shares one shape; <see cref="Type"/> tells
/// them apart). Strings stay strings here; <see cref="EngineEventParser"/> maps them strictly.
/// </summary>
internal sealed class EngineEventDto
{
    public string? Type { get; set; }

    // file events
    public string? Path { get; set; }
    public string? Blob { get; set; }
    public string? Action { get; set; }
    public string? Status { get; set; }
    public string? Reason { get; set; }
    public long? Bytes { get; set; }
    public string? ContentMd5 { get; set; }
    public string? Error { get; set; }
    public string? ErrorId { get; set; }
    public string? Warning { get; set; }

    // confirm events (also path, blob, action, reason)
    public ulong? Id { get; set; }

    // summary
    public string? JobId { get; set; }
    public bool? DryRun { get; set; }
    public long? FilesTransferred { get; set; }
    public long? FilesSkipped { get; set; }
    public long? FilesFailed { get; set; }
    public long? FilesDeleted { get; set; }
    public long? Differences { get; set; }
    public long? BytesTransferred { get; set; }
    public double? ElapsedSeconds { get; set; }
}

/// <summary>Source-generated (reflection-free) JSON for the engine's events.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EngineEventDto))]
internal sealed partial class EngineEventJsonContext : JsonSerializerContext
{
}
