using System;

namespace AzBlobSync.Engine;

/// <summary>A started job as the commands drive it; <see cref="SyncJob"/> is the real one.</summary>
internal interface IEngineJob : IDisposable
{
    /// <summary>Waits up to <paramref name="timeout"/> for events; returns at once when some are ready.</summary>
    EnginePoll Poll(TimeSpan timeout);

    /// <summary>Answers a <see cref="ConfirmationRequest"/>; the job waits for it. Called from the polling thread.</summary>
    void Answer(ulong requestId, bool approve);

    /// <summary>Asks the job to stop; safe from any thread, idempotent. Events keep coming until the summary.</summary>
    void Cancel();
}
