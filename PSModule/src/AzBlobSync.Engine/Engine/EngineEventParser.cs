using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using AzBlobSync.Errors;

namespace AzBlobSync.Engine;

/// <summary>
/// Turns the engine's newline-delimited JSON into typed results. Strict about the values it knows
/// (an unknown status is a protocol error, not a guess); event types it does not know are ignored
/// so an engine that adds a new kind of event does not break an older module.
/// </summary>
internal static class EngineEventParser
{
    /// <summary>Parses every whole line in <paramref name="utf8Lines"/>.</summary>
    public static List<EngineEvent> ParseLines(ReadOnlySpan<byte> utf8Lines)
    {
        var events = new List<EngineEvent>();
        while (!utf8Lines.IsEmpty)
        {
            int newline = utf8Lines.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? utf8Lines : utf8Lines[..newline];
            utf8Lines = newline < 0 ? ReadOnlySpan<byte>.Empty : utf8Lines[(newline + 1)..];
            if (line.Trim((byte)' ').Trim((byte)'\r').IsEmpty)
            {
                continue;
            }
            if (ParseLine(line) is EngineEvent parsed)
            {
                events.Add(parsed);
            }
        }
        return events;
    }

    /// <summary>One event, or null for an event type this module does not know.</summary>
    public static EngineEvent? ParseLine(ReadOnlySpan<byte> utf8Line)
    {
        EngineEventDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(utf8Line, EngineEventJsonContext.Default.EngineEventDto);
        }
        catch (JsonException e)
        {
            throw Protocol($"an event is not valid JSON ({e.Message})", utf8Line);
        }
        return dto?.Type switch
        {
            "file" => new EngineEvent(ToTransferResult(dto, utf8Line), null),
            "confirm" => new EngineEvent(null, null, ToConfirmation(dto, utf8Line)),
            "summary" => new EngineEvent(null, ToSummary(dto, utf8Line)),
            null => throw Protocol("an event has no 'type'", utf8Line),
            _ => null,
        };
    }

    private static TransferResult ToTransferResult(EngineEventDto dto, ReadOnlySpan<byte> line) => new()
    {
        Path = dto.Path ?? throw Missing("path", line),
        Blob = dto.Blob ?? throw Missing("blob", line),
        Action = ToAction(dto.Action, line),
        Status = dto.Status switch
        {
            "success" => TransferStatus.Success,
            "skipped" => TransferStatus.Skipped,
            "failed" => TransferStatus.Failed,
            "whatIf" => TransferStatus.WhatIf,
            "cancelled" => TransferStatus.Cancelled,
            _ => throw Unknown("status", dto.Status, line),
        },
        Reason = dto.Reason ?? string.Empty,
        Bytes = dto.Bytes ?? throw Missing("bytes", line),
        ContentMd5 = dto.ContentMd5,
        Error = dto.Error,
        ErrorId = dto.ErrorId is null ? null : ErrorIds.FromEngine(dto.ErrorId),
        Warning = dto.Warning,
    };

    private static ConfirmationRequest ToConfirmation(EngineEventDto dto, ReadOnlySpan<byte> line) => new()
    {
        Id = dto.Id ?? throw Missing("id", line),
        Action = ToAction(dto.Action, line),
        Path = dto.Path ?? throw Missing("path", line),
        Blob = dto.Blob ?? throw Missing("blob", line),
        Reason = dto.Reason ?? string.Empty,
    };

    private static TransferAction ToAction(string? action, ReadOnlySpan<byte> line) => action switch
    {
        "upload" => TransferAction.Upload,
        "skip" => TransferAction.Skip,
        "download" => TransferAction.Download,
        "delete" => TransferAction.Delete,
        "copy" => TransferAction.Copy,
        _ => throw Unknown("action", action, line),
    };

    private static JobSummary ToSummary(EngineEventDto dto, ReadOnlySpan<byte> line) => new()
    {
        JobId = dto.JobId ?? throw Missing("jobId", line),
        Status = dto.Status switch
        {
            "completed" => JobStatus.Completed,
            "completedWithErrors" => JobStatus.CompletedWithErrors,
            "cancelled" => JobStatus.Cancelled,
            "failed" => JobStatus.Failed,
            _ => throw Unknown("status", dto.Status, line),
        },
        DryRun = dto.DryRun ?? throw Missing("dryRun", line),
        FilesTransferred = dto.FilesTransferred ?? throw Missing("filesTransferred", line),
        FilesSkipped = dto.FilesSkipped ?? throw Missing("filesSkipped", line),
        FilesFailed = dto.FilesFailed ?? throw Missing("filesFailed", line),
        FilesDeleted = dto.FilesDeleted ?? throw Missing("filesDeleted", line),
        BytesTransferred = dto.BytesTransferred ?? throw Missing("bytesTransferred", line),
        Elapsed = TimeSpan.FromSeconds(dto.ElapsedSeconds ?? throw Missing("elapsedSeconds", line)),
        Differences = dto.Differences ?? throw Missing("differences", line),
        Error = dto.Error,
        ErrorId = dto.ErrorId is null ? null : ErrorIds.FromEngine(dto.ErrorId),
    };

    private static AzBlobSyncException Missing(string field, ReadOnlySpan<byte> line) =>
        Protocol($"an event lacks '{field}'", line);

    private static AzBlobSyncException Unknown(string field, string? value, ReadOnlySpan<byte> line) =>
        Protocol($"an event has an unknown {field} '{value}'", line);

    private static AzBlobSyncException Protocol(string what, ReadOnlySpan<byte> line)
    {
        // Events carry paths and messages, never credentials; cut long lines to keep the message one readable line.
        string text = Encoding.UTF8.GetString(line);
        if (text.Length > 300)
        {
            text = text[..300] + "...";
        }
        return new AzBlobSyncException(
            ErrorIds.EngineProtocolError,
            $"The native engine sent something this module does not understand: {what}. The module and engine may be from different builds; reinstall the module. Event: {text}");
    }
}
