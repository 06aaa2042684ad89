using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Native;

namespace AzBlobSync.Spec;

/// <summary>Which part of a spec the engine refused.</summary>
public enum SpecConcern
{
    Options,
    Source,
    Destination,
}

/// <summary>The engine refused a spec: the id and message are the engine's, <see cref="Concern"/> says which part it refused.</summary>
public sealed class SpecRefusedException : AzBlobSyncException
{
    public SpecRefusedException(string errorId, string message, object? target, SpecConcern concern)
        : base(errorId, message, target)
    {
        Concern = concern;
    }

    public SpecConcern Concern { get; }
}

/// <summary>The engine's verdict on a spec: its two ends, typed.</summary>
public sealed record CheckedSpec(SyncDirection Direction, EngineEnd Source, EngineEnd Destination);

/// <summary>
/// Asks the engine whether a job's spec is valid before anything starts (<c>azbs_spec_check</c>):
/// every rule (URLs, metadata, tags, filter paths, limits) lives in the engine, so the module and the
/// CLI refuse the same inputs with the same ids. No network is used.
/// </summary>
internal static class SpecCheck
{
    /// <summary>The ends as the engine parsed them, or an <see cref="AzBlobSyncException"/> with the engine's id and message.</summary>
    public static CheckedSpec Check(SyncOptions options, JobStart start) => Check(options, start, out _);

    /// <summary>As <see cref="Check(SyncOptions, JobStart)"/>; on refusal <paramref name="concern"/> says which part was refused.</summary>
    public static CheckedSpec Check(SyncOptions options, JobStart start, out SpecConcern concern)
    {
        ArgumentNullException.ThrowIfNull(options);
        using ZeroingBufferWriter spec = JobSpecWriter.Write(options, start);
        string answer = NativeText.Call(
            "spec check",
            spec.WrittenSpan,
            (ref byte input, ulong length, ref byte buffer, ulong capacity, ref ulong written) =>
                Interop.azbs_spec_check(ref input, length, ref buffer, capacity, ref written));
        SpecAnswer verdict = JsonSerializer.Deserialize(answer, SpecCheckJsonContext.Default.SpecAnswer)
            ?? throw new AzBlobSyncException(ErrorIds.EngineProtocolError, "The engine's spec check answered nothing.");
        concern = verdict.Concerns switch
        {
            "source" => SpecConcern.Source,
            "destination" => SpecConcern.Destination,
            _ => SpecConcern.Options,
        };
        if (!verdict.Ok)
        {
            string message = MessageText.FromEngine(verdict.Message);
            throw new SpecRefusedException(ErrorIds.FromEngine(verdict.ErrorId), Sentence(message), TargetOf(concern, options), concern);
        }
        if (verdict.Source is null || verdict.Destination is null)
        {
            throw new AzBlobSyncException(ErrorIds.EngineProtocolError, "The engine's spec check gave no ends.");
        }
        SyncDirection direction = verdict.Direction switch
        {
            "download" => SyncDirection.Download,
            "containerToContainer" => SyncDirection.ContainerToContainer,
            _ => SyncDirection.Upload,
        };
        return new CheckedSpec(direction, verdict.Source, verdict.Destination);
    }

    /// <summary>Engine messages start lower-case and end without a full stop; an error record reads as a sentence.</summary>
    private static string Sentence(string message) =>
        message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? string.Empty : ".");

    private static string? TargetOf(SpecConcern concern, SyncOptions options) => concern switch
    {
        SpecConcern.Source => SecretRedactionText(options.Source),
        SpecConcern.Destination => SecretRedactionText(options.Destination),
        _ => null,
    };

    private static string SecretRedactionText(string text) => Destination.SecretRedaction.RedactSignatures(text);
}

internal sealed class SpecAnswer
{
    public bool Ok { get; set; }
    public string? Direction { get; set; }
    public EngineEnd? Source { get; set; }
    public EngineEnd? Destination { get; set; }
    public string? Concerns { get; set; }
    public string? ErrorId { get; set; }
    public string? Category { get; set; }
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SpecAnswer))]
internal sealed partial class SpecCheckJsonContext : JsonSerializerContext
{
}
