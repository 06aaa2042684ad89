using AzBlobSync.Commands;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary>
/// An <see cref="ICommandHost"/> that records every call, and the thread it came from, so tests can
/// check what a cmdlet would have written and that it was all written from the calling thread.
/// </summary>
public sealed class RecordingHost : ICommandHost
{
    private readonly object gate = new();
    private readonly List<object> objects = [];
    private readonly List<JobProgress> progress = [];
    private readonly List<CommandError> errors = [];
    private readonly List<string> warnings = [];
    private readonly List<string> verbose = [];
    private readonly List<(string Target, string Action)> shouldProcessCalls = [];
    private readonly HashSet<int> callingThreads = [];

    public bool IsWhatIf { get; init; }

    /// <summary>What ShouldProcess answers (the user's answer to -Confirm).</summary>
    public bool ConfirmAnswer { get; init; } = true;

    /// <summary>When set, decides each ShouldProcess call from its target and action instead of <see cref="ConfirmAnswer"/>.</summary>
    public Func<string, string, bool>? Decide { get; init; }

    /// <summary>Runs after each recorded WriteObject (e.g. to cancel once results start to flow).</summary>
    public Action<object>? OnObject { get; init; }

    public IReadOnlyList<object> Objects { get { lock (gate) { return objects.ToList(); } } }

    public IReadOnlyList<TransferResult> Results => Objects.OfType<TransferResult>().ToList();

    public IReadOnlyList<JobSummary> Summaries => Objects.OfType<JobSummary>().ToList();

    public IReadOnlyList<SyncDifference> Differences => Objects.OfType<SyncDifference>().ToList();

    public IReadOnlyList<JobProgress> Progress { get { lock (gate) { return progress.ToList(); } } }

    public IReadOnlyList<CommandError> Errors { get { lock (gate) { return errors.ToList(); } } }

    public IReadOnlyList<string> Warnings { get { lock (gate) { return warnings.ToList(); } } }

    public IReadOnlyList<string> Verbose { get { lock (gate) { return verbose.ToList(); } } }

    public IReadOnlyList<(string Target, string Action)> ShouldProcessCalls { get { lock (gate) { return shouldProcessCalls.ToList(); } } }

    /// <summary>Managed thread ids of every host call.</summary>
    public IReadOnlyCollection<int> CallingThreads { get { lock (gate) { return callingThreads.ToList(); } } }

    public void WriteObject(object value)
    {
        Record(() => objects.Add(value));
        OnObject?.Invoke(value);
    }

    public void WriteProgress(JobProgress value) => Record(() => progress.Add(value));

    public void WriteWarning(string message) => Record(() => warnings.Add(message));

    public void WriteVerbose(string message) => Record(() => verbose.Add(message));

    public void WriteError(CommandError error) => Record(() => errors.Add(error));

    public bool ShouldProcess(string target, string action)
    {
        Record(() => shouldProcessCalls.Add((target, action)));
        return Decide?.Invoke(target, action) ?? ConfirmAnswer;
    }

    private void Record(Action add)
    {
        lock (gate)
        {
            callingThreads.Add(Environment.CurrentManagedThreadId);
            add();
        }
    }
}
