using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AzBlobSync.Errors;
using AzBlobSync.Native;

namespace AzBlobSync.Journal;

/// <summary>Asks the engine's journal one question as JSON and returns its JSON answer (<c>azbs_jobs</c>; a test's fake).</summary>
public interface IJournalChannel
{
    string Ask(string requestJson);
}

/// <summary>The native engine's <c>azbs_jobs</c>.</summary>
internal sealed class NativeJournalChannel : IJournalChannel
{
    public static NativeJournalChannel Instance { get; } = new();

    public string Ask(string requestJson) => NativeText.Call(
        "job journal",
        Encoding.UTF8.GetBytes(requestJson),
        (ref byte input, ulong length, ref byte buffer, ulong capacity, ref ulong written) =>
            Interop.azbs_jobs(ref input, length, ref buffer, capacity, ref written));
}

/// <summary>
/// The job journal as the module sees it: list, show and remove, answered by the engine (its rules:
/// which jobs match, what a running job is, where the journal lives). Only building the question and
/// reading the answer happen here. A failure comes back as an <see cref="AzBlobSyncException"/> with
/// the engine's id (<c>AzBlobSync.JobNotFound</c>, <c>AzBlobSync.JobRunning</c>, ...).
/// </summary>
public sealed class JobJournal
{
    private readonly IJournalChannel channel;

    /// <param name="jobDirectory">The journal's folder; null for the engine's default (AZBLOBSYNC_JOB_DIR, then the user's state folder).</param>
    public JobJournal(string? jobDirectory, IJournalChannel? channel = null)
    {
        JobDirectory = string.IsNullOrWhiteSpace(jobDirectory) ? null : jobDirectory;
        this.channel = channel ?? NativeJournalChannel.Instance;
    }

    public string? JobDirectory { get; }

    /// <summary>Every recorded job, newest first; only those with one of <paramref name="statuses"/> when any are given.</summary>
    public IReadOnlyList<JobRecord> List(IReadOnlyCollection<JobStatus>? statuses = null)
    {
        JournalAnswer answer = Ask("list", null, statuses, null);
        return (answer.Jobs ?? new List<JobDto>()).Select(ToRecord).ToList();
    }

    /// <summary>One job with its failed files.</summary>
    public JobRecord Show(string jobId)
    {
        JournalAnswer answer = Ask("show", jobId, null, null);
        return ToRecord(answer.Job ?? throw Protocol("show gave no job"));
    }

    /// <summary>Removes one job (never a running one: <c>AzBlobSync.JobRunning</c>) and its log; returns the ids removed.</summary>
    public IReadOnlyList<string> Remove(string jobId) => Ask("remove", jobId, null, null).Removed ?? new List<string>();

    /// <summary>Removes every finished job started before <paramref name="olderThan"/> and/or with one of <paramref name="statuses"/>; returns the ids removed.</summary>
    public IReadOnlyList<string> Remove(DateTime? olderThan, IReadOnlyCollection<JobStatus>? statuses) =>
        Ask("remove", null, statuses, olderThan).Removed ?? new List<string>();

    /// <summary>The question as the engine reads it (camelCase, nothing but what is asked).</summary>
    internal string Request(string op, string? jobId, IReadOnlyCollection<JobStatus>? statuses, DateTime? olderThan)
    {
        using var stream = new System.IO.MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("op", op);
            if (JobDirectory is not null)
            {
                json.WriteString("jobDir", JobDirectory);
            }
            if (jobId is not null)
            {
                json.WriteString("jobId", jobId);
            }
            if (statuses is { Count: > 0 })
            {
                json.WriteStartArray("status");
                foreach (JobStatus status in statuses.Distinct())
                {
                    json.WriteStringValue(status.ToString());
                }
                json.WriteEndArray();
            }
            if (olderThan is DateTime before)
            {
                json.WriteString("olderThan", Engine.JobSpecWriter.FormatTime(before));
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private JournalAnswer Ask(string op, string? jobId, IReadOnlyCollection<JobStatus>? statuses, DateTime? olderThan)
    {
        string text = channel.Ask(Request(op, jobId, statuses, olderThan));
        JournalAnswer answer;
        try
        {
            answer = JsonSerializer.Deserialize(text, JournalJsonContext.Default.JournalAnswer) ?? throw Protocol("no answer");
        }
        catch (JsonException e)
        {
            throw Protocol($"unreadable answer ({e.Message})");
        }
        if (!answer.Ok)
        {
            string id = ErrorIds.FromEngine(answer.ErrorId);
            string message = MessageText.FromEngine(answer.Message ?? "the journal gave no reason");
            throw new AzBlobSyncException(id, ErrorIds.CategoryOf(id), Sentence(message), jobId);
        }
        return answer;
    }

    private static string Sentence(string message) =>
        message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? string.Empty : ".");

    private static AzBlobSyncException Protocol(string what) => new(ErrorIds.EngineProtocolError, $"The engine's job journal answered wrongly: {what}.");

    internal static JobRecord ToRecord(JobDto dto) => new()
    {
        JobId = dto.JobId ?? throw Protocol("a job without an id"),
        Status = Enum.TryParse(dto.Status, ignoreCase: true, out JobStatus status) ? status : throw Protocol($"unknown status '{dto.Status}'"),
        Resumable = dto.Resumable,
        Attempt = dto.Attempt,
        Operation = dto.Operation ?? "sync",
        Source = dto.Source ?? string.Empty,
        Destination = dto.Destination ?? string.Empty,
        StartTime = Time(dto.StartTime) ?? throw Protocol("a job without a start time"),
        EndTime = Time(dto.EndTime),
        FilesTransferred = dto.FilesTransferred,
        FilesSkipped = dto.FilesSkipped,
        FilesFailed = dto.FilesFailed,
        FilesDeleted = dto.FilesDeleted,
        FilesPending = dto.FilesPending,
        BytesTransferred = dto.BytesTransferred,
        ErrorId = dto.ErrorId is null ? null : ErrorIds.FromEngine(dto.ErrorId),
        Error = dto.Error is null ? null : MessageText.FromEngine(dto.Error),
        LogPath = dto.LogPath,
        FailedFiles = (dto.FailedFiles ?? new List<FailedFileDto>())
            .Select(f => new JobFailedFile(f.Path ?? string.Empty, f.ErrorId is null ? null : ErrorIds.FromEngine(f.ErrorId), f.Error is null ? null : MessageText.FromEngine(f.Error)))
            .ToList(),
        SignInReference = dto.SignInReference is { Vault: { } vault, SecretName: { } secretName } reference
            ? new AzBlobSync.SignIn.VaultReference(vault, secretName, reference.TenantId)
            : null,
    };

    /// <summary>RFC 3339 from the engine, as local time (how PowerShell shows and compares times).</summary>
    private static DateTime? Time(string? rfc3339) =>
        rfc3339 is null ? null
        : DateTimeOffset.TryParse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) ? t.LocalDateTime
        : throw Protocol($"unreadable time '{rfc3339}'");
}

internal sealed class JournalAnswer
{
    public bool Ok { get; set; }
    public List<JobDto>? Jobs { get; set; }
    public JobDto? Job { get; set; }
    public List<string>? Removed { get; set; }
    public string? ErrorId { get; set; }
    public string? Category { get; set; }
    public string? Message { get; set; }
}

internal sealed class JobDto
{
    public string? JobId { get; set; }
    public string? Status { get; set; }
    public bool Resumable { get; set; }
    public int Attempt { get; set; }
    public string? Operation { get; set; }
    public string? Source { get; set; }
    public string? Destination { get; set; }
    public string? StartTime { get; set; }
    public string? EndTime { get; set; }
    public long FilesTransferred { get; set; }
    public long FilesSkipped { get; set; }
    public long FilesFailed { get; set; }
    public long FilesDeleted { get; set; }
    public long FilesPending { get; set; }
    public long BytesTransferred { get; set; }
    public string? ErrorId { get; set; }
    public string? Error { get; set; }
    public string? LogPath { get; set; }
    public List<FailedFileDto>? FailedFiles { get; set; }
    public VaultReferenceDto? SignInReference { get; set; }
}

internal sealed class VaultReferenceDto
{
    public string? Vault { get; set; }
    public string? SecretName { get; set; }
    public string? TenantId { get; set; }
}

internal sealed class FailedFileDto
{
    public string? Path { get; set; }
    public string? ErrorId { get; set; }
    public string? Error { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JournalAnswer))]
internal sealed partial class JournalJsonContext : JsonSerializerContext
{
}
