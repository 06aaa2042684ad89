using AzBlobSync.Engine;

namespace AzBlobSync.Tests.Unit;

/// <summary>
/// A stand-in engine job for SyncCommand's unit tests: plays back scripted polls, and after a
/// cancel switches to the cancellation script, like the real engine (events until the summary).
/// The real engine is exercised by the end-to-end tests.
/// </summary>
internal sealed class ScriptedEngineJob(IEnumerable<EnginePoll> script, IEnumerable<EnginePoll>? afterCancel = null) : IEngineJob
{
    private readonly Queue<EnginePoll> polls = new(script);
    private readonly Queue<EnginePoll> cancelPolls = new(afterCancel ?? []);
    private readonly List<(ulong Id, bool Approve, int Thread)> answers = [];
    private int cancelled;

    /// <summary>Every answer given, in order, with the thread that gave it.</summary>
    public IReadOnlyList<(ulong Id, bool Approve, int Thread)> Answers => answers;

    public int PollCount { get; private set; }

    public bool Cancelled => Volatile.Read(ref cancelled) == 1;

    public int CancelThread { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>Polls that found nothing while running, before the script goes on (to let a cancel land).</summary>
    public Func<bool>? HoldWhile { get; init; }

    /// <summary>Runs before every poll (a test advances its fake clock here).</summary>
    public Action? BeforeEachPoll { get; init; }

    public EnginePoll Poll(TimeSpan timeout)
    {
        BeforeEachPoll?.Invoke();
        PollCount++;
        if (Cancelled && cancelPolls.Count > 0)
        {
            return cancelPolls.Dequeue();
        }
        if (HoldWhile?.Invoke() == true)
        {
            Thread.Sleep(5);
            return Running();
        }
        if (polls.Count == 0)
        {
            throw new InvalidOperationException("polled past the end of the script");
        }
        return polls.Dequeue();
    }

    public void Answer(ulong requestId, bool approve) => answers.Add((requestId, approve, Environment.CurrentManagedThreadId));

    public void Cancel()
    {
        CancelThread = Environment.CurrentManagedThreadId;
        Interlocked.Exchange(ref cancelled, 1);
    }

    public void Dispose() => Disposed = true;

    public static EnginePoll Running(params TransferResult[] files) =>
        new(files, null, new JobProgress(JobState.Transferring, files.Length, files.Length, 0, 0, 0, 10, 5), false);

    public static EnginePoll Finished(JobSummary summary, params TransferResult[] files) =>
        new(files, summary, new JobProgress(JobState.Completed, 0, 0, 0, 0, 0, 0, 0), true);

    /// <summary>A running poll delivering these events in this order (files and confirmation requests).</summary>
    public static EnginePoll RunningEvents(params object[] events) =>
        new(
            events.Select(e => e switch
            {
                TransferResult f => new EngineEvent(f, null),
                ConfirmationRequest c => new EngineEvent(null, null, c),
                _ => throw new ArgumentException($"not an event: {e}"),
            }).ToList(),
            new JobProgress(JobState.Transferring, 0, 0, 0, 0, 0, 0, 0),
            false);

    public static ConfirmationRequest ConfirmDelete(ulong id, string blob) =>
        new() { Id = id, Action = TransferAction.Delete, Path = blob, Blob = blob, Reason = "extra" };

    public static TransferResult Deletion(string path, TransferStatus status, string reason = "extra") => new()
    {
        Path = path,
        Blob = path,
        Action = TransferAction.Delete,
        Status = status,
        Reason = reason,
        Bytes = 0,
    };

    /// <summary>A check's would-be action, as the engine reports a difference.</summary>
    public static TransferResult Difference(string path, TransferAction action, string reason, long bytes = 1) => new()
    {
        Path = path,
        Blob = path,
        Action = action,
        Status = TransferStatus.WhatIf,
        Reason = reason,
        Bytes = bytes,
    };

    public static TransferResult File(string path, TransferStatus status, string? errorId = null) => new()
    {
        Path = path,
        Blob = path,
        Action = status == TransferStatus.Skipped ? TransferAction.Skip : TransferAction.Upload,
        Status = status,
        Reason = status == TransferStatus.Skipped ? "unchanged" : "missing",
        Bytes = 1,
        Error = status == TransferStatus.Failed ? "cannot read 'x': Permission denied" : null,
        ErrorId = errorId,
    };

    public static JobSummary Summary(JobStatus status, string? errorId = null, string? error = null, long differences = 0, long failed = 0) => new()
    {
        JobId = "job",
        Status = status,
        DryRun = false,
        FilesTransferred = 1,
        FilesSkipped = 0,
        FilesFailed = failed,
        FilesDeleted = 0,
        BytesTransferred = 1,
        Elapsed = TimeSpan.FromSeconds(1),
        Differences = differences,
        ErrorId = errorId,
        Error = error,
    };
}
