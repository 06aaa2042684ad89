using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using AzBlobSync.Errors;
using AzBlobSync.Native;

namespace AzBlobSync.Engine;

/// <summary>
/// A running engine job. Poll it from one thread until <see cref="EnginePoll.IsFinished"/>, answering
/// every <see cref="EnginePoll.Confirmations"/> request with <see cref="Answer"/>;
/// <see cref="Cancel"/> may be called from any thread. Dispose frees the native job (cancelling it
/// if it still runs). The engine never calls back into .NET: all data comes out through polling.
/// </summary>
public sealed class SyncJob : IEngineJob
{
    private const int InitialBufferBytes = 64 * 1024;

    private readonly SafeJobHandle handle;
    private byte[] buffer;
    private bool finished;
    private bool summarySeen;
    private JobProgress lastProgress = JobProgress.Initial;

    private SyncJob(SafeJobHandle handle, int initialBufferBytes)
    {
        this.handle = handle;
        buffer = new byte[Math.Max(initialBufferBytes, 1)];
    }

    /// <summary>
    /// Starts a sync. Input problems the engine finds arrive as a failed summary, not as an exception
    /// here. Deletions (<see cref="SyncOptions.DeleteDestination"/>) are not confirmed: use
    /// <see cref="Commands.SyncCommand"/> to have each one approved.
    /// </summary>
    public static SyncJob Start(SyncOptions options) => Start(options, JobStart.Sync(options?.DryRun ?? false));

    internal static SyncJob Start(SyncOptions options, JobStart start)
    {
        ArgumentNullException.ThrowIfNull(options);
        using ZeroingBufferWriter spec = JobSpecWriter.Write(options, start);
        return StartRaw(spec.WrittenSpan);
    }

    /// <summary>
    /// Resumes a recorded job (a spec naming <c>resumeJobId</c>). A job the journal does not have, one
    /// still running, or one whose SAS or key must be given again ends at once with a failed summary
    /// (JobNotFound, JobRunning, InvalidCredential).
    /// </summary>
    internal static SyncJob StartResume(ResumeOptions options)
    {
        using ZeroingBufferWriter spec = JobSpecWriter.WriteResume(options);
        return StartRaw(spec.WrittenSpan);
    }

    /// <summary>Starts a job from spec JSON as-is (the engine validates it); tests use it for the engine's own checks and a tiny buffer.</summary>
    internal static SyncJob StartRaw(ReadOnlySpan<byte> specUtf8, int initialBufferBytes = InitialBufferBytes)
    {
        NativeEngineLibrary.EnsureLoaded();
        // The ref overload needs a first element: an empty spec is sent as one space (the engine then reports it invalid).
        ReadOnlySpan<byte> sent = specUtf8.IsEmpty ? " "u8 : specUtf8;
        ulong job = Interop.azbs_job_start(ref MemoryMarshal.GetReference(sent), (ulong)sent.Length);
        if (job == 0)
        {
            throw new AzBlobSyncException(ErrorIds.InternalError, "The native engine could not start a job (it returned no handle); this is a bug in the engine.");
        }
        return new SyncJob(SafeJobHandle.FromJobNumber(job), initialBufferBytes);
    }

    public EnginePoll Poll(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        if (finished)
        {
            return new EnginePoll(Array.Empty<EngineEvent>(), lastProgress, true);
        }
        uint timeoutMs = (uint)Math.Clamp(timeout.TotalMilliseconds, 0, uint.MaxValue);
        bool addedRef = false;
        try
        {
            handle.DangerousAddRef(ref addedRef);
            while (true)
            {
                ulong written = 0;
                AzbsJobProgress native = default;
                int code = Interop.azbs_job_poll(
                    handle.JobNumber, ref MemoryMarshal.GetArrayDataReference(buffer), (ulong)buffer.Length, ref written, ref native, timeoutMs);
                switch (code)
                {
                    case NativeAbi.PollRunning:
                    case NativeAbi.PollFinished:
                        return Collect(written, native, code == NativeAbi.PollFinished);
                    case NativeAbi.ErrBufferTooSmall:
                        // out_len is the size of the next event: grow (at least doubling) and ask again.
                        buffer = new byte[checked((int)Math.Max(written, (ulong)buffer.Length * 2))];
                        continue;
                    default:
                        throw new AzBlobSyncException(
                            ErrorIds.InternalError,
                            $"Polling the native engine failed: {NativeAbi.DescribeCode(code)} (code {code}).");
                }
            }
        }
        finally
        {
            if (addedRef)
            {
                handle.DangerousRelease();
            }
        }
    }

    private EnginePoll Collect(ulong written, AzbsJobProgress native, bool isFinished)
    {
        List<EngineEvent> events = EngineEventParser.ParseLines(buffer.AsSpan(0, checked((int)written)));
        summarySeen |= events.Exists(e => e.Summary is not null);
        lastProgress = ToProgress(native);
        finished = isFinished;
        if (isFinished && !summarySeen)
        {
            throw new AzBlobSyncException(
                ErrorIds.EngineProtocolError,
                "The native engine finished a job without sending its summary; this is a bug in the engine.");
        }
        return new EnginePoll(events, lastProgress, isFinished);
    }

    /// <summary>
    /// Answers a confirmation request (approve lets the action happen; declining reports it as
    /// skipped, reason <c>declined</c>). The job waits for every answer, so answer each request
    /// (or cancel). Answering after the job ended does nothing.
    /// </summary>
    public void Answer(ulong requestId, bool approve)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        bool addedRef = false;
        try
        {
            handle.DangerousAddRef(ref addedRef);
            int code = Interop.azbs_job_answer(handle.JobNumber, requestId, approve ? 1u : 0u);
            if (code != NativeAbi.Ok)
            {
                throw new AzBlobSyncException(
                    ErrorIds.InternalError,
                    $"Answering the native engine's confirmation request {requestId} failed: {NativeAbi.DescribeCode(code)} (code {code}).");
            }
        }
        finally
        {
            if (addedRef)
            {
                handle.DangerousRelease();
            }
        }
    }

    public void Cancel()
    {
        bool addedRef = false;
        try
        {
            handle.DangerousAddRef(ref addedRef);
            Interop.azbs_job_cancel(handle.JobNumber);
        }
        catch (ObjectDisposedException)
        {
            // Already freed, and freeing cancels: nothing left to stop.
        }
        finally
        {
            if (addedRef)
            {
                handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => handle.Dispose();

    private static JobProgress ToProgress(AzbsJobProgress p) => new(
        Enum.IsDefined(typeof(JobState), (int)p.state) ? (JobState)p.state : JobState.Starting,
        ToLong(p.files_scanned),
        ToLong(p.files_to_transfer),
        ToLong(p.files_transferred),
        ToLong(p.files_skipped),
        ToLong(p.files_failed),
        ToLong(p.bytes_to_transfer),
        ToLong(p.bytes_transferred));

    private static long ToLong(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;
}
