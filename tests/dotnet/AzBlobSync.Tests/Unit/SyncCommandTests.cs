using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;
using static AzBlobSync.Tests.Unit.ScriptedEngineJob;

namespace AzBlobSync.Tests.Unit;

/// <summary>SyncCommand's relaying rules, against a scripted job (the real engine is in the end-to-end tests).</summary>
public sealed class SyncCommandTests : IDisposable
{
    private readonly TestTree source = new();

    public void Dispose() => source.Dispose();

    private SyncOptions Options(bool includeSkipped = false) => new()
    {
        Source = source.Root,
        Destination = "http://127.0.0.1:1/devstoreaccount1/ccc",
        IncludeSkipped = includeSkipped,
    };

    private static (SyncCommand Command, List<(SyncOptions Options, bool DryRun)> Starts) Command(RecordingHost host, ScriptedEngineJob job)
    {
        var starts = new List<(SyncOptions, bool)>();
        var command = new SyncCommand(host, (o, dryRun) => { starts.Add((o, dryRun)); return job; });
        return (command, starts);
    }

    [Fact]
    public void Writes_uploaded_files_then_the_summary_and_hides_skipped_files_by_default()
    {
        var host = new RecordingHost();
        var job = new ScriptedEngineJob([
            Running(File("a", TransferStatus.Success), File("b", TransferStatus.Skipped)),
            Finished(Summary(JobStatus.Completed), File("c", TransferStatus.Success)),
        ]);
        var (command, _) = Command(host, job);

        var summary = command.Run(Options());

        Assert.Equal(["a", "c"], host.Results.Select(r => r.Path));
        Assert.Same(summary, host.Objects[^1]);
        Assert.Empty(host.Errors);
        Assert.True(job.Disposed);
    }

    [Fact]
    public void A_per_file_warning_is_relayed_and_the_result_still_written()
    {
        var host = new RecordingHost();
        var warned = File("w", TransferStatus.Success) with { Warning = "MD5 mismatch (logged only)" };
        var (command, _) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed), warned)]));
        command.Run(Options());
        Assert.Equal(["'w': MD5 mismatch (logged only)"], host.Warnings);
        Assert.Same(warned, Assert.Single(host.Results));
    }

    [Fact]
    public void IncludeSkipped_emits_skipped_files_too()
    {
        var host = new RecordingHost();
        var (command, _) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed), File("a", TransferStatus.Skipped), File("b", TransferStatus.Success))]));
        command.Run(Options(includeSkipped: true));
        Assert.Equal([TransferStatus.Skipped, TransferStatus.Success], host.Results.Select(r => r.Status));
    }

    [Fact]
    public void A_failed_file_is_a_non_terminating_error_and_the_rest_continue()
    {
        var host = new RecordingHost();
        var (command, _) = Command(host, new ScriptedEngineJob([
            Running(File("bad", TransferStatus.Failed, "AzBlobSync.LocalIoError")),
            Finished(Summary(JobStatus.CompletedWithErrors), File("good", TransferStatus.Success)),
        ]));

        var summary = command.Run(Options());

        var error = Assert.Single(host.Errors);
        Assert.Equal("AzBlobSync.LocalIoError", error.ErrorId);
        Assert.Equal(CommandErrorCategory.ReadError, error.Category);
        Assert.Equal("bad", Assert.IsType<TransferResult>(error.Target).Path);
        Assert.Contains("'bad' was not uploaded: cannot read", error.Message);
        Assert.Equal(["good"], host.Results.Select(r => r.Path));
        Assert.Equal(JobStatus.CompletedWithErrors, summary!.Status);
    }

    [Fact]
    public void A_failed_job_becomes_a_terminating_error_with_the_engine_error_id()
    {
        var host = new RecordingHost();
        var (command, _) = Command(host, new ScriptedEngineJob([
            Finished(Summary(JobStatus.Failed, "AzBlobSync.ContainerNotFound", "container 'ccc' does not exist at http://127.0.0.1:1/devstoreaccount1/ccc; create it first")),
        ]));

        var error = Assert.Throws<JobFailedException>(() => command.Run(Options()));

        Assert.Equal("AzBlobSync.ContainerNotFound", error.ErrorId);
        Assert.Equal(CommandErrorCategory.ObjectNotFound, error.Category);
        Assert.StartsWith("container 'ccc' does not exist", error.Message);
        Assert.Same(error.Summary, error.Target);
        Assert.Empty(host.Summaries);
    }

    [Fact]
    public void WhatIf_runs_a_dry_run_without_asking_ShouldProcess()
    {
        var host = new RecordingHost { IsWhatIf = true, ConfirmAnswer = false };
        var (command, starts) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed), File("a", TransferStatus.WhatIf))]));

        command.Run(Options());

        Assert.True(Assert.Single(starts).DryRun);
        Assert.Empty(host.ShouldProcessCalls);
        Assert.Equal(TransferStatus.WhatIf, Assert.Single(host.Results).Status);
    }

    [Fact]
    public void Declining_confirmation_starts_no_job()
    {
        var host = new RecordingHost { ConfirmAnswer = false };
        var (command, starts) = Command(host, new ScriptedEngineJob([]));

        Assert.Null(command.Run(Options() with { Destination = "http://127.0.0.1:1/devstoreaccount1/ccc?sv=1&sig=HIDDEN" }));

        Assert.Empty(starts);
        var (target, action) = Assert.Single(host.ShouldProcessCalls);
        Assert.DoesNotContain("HIDDEN", target);
        Assert.Contains(source.Root, action);
    }

    [Fact]
    public async Task Cancelling_from_another_thread_asks_the_engine_and_keeps_polling_until_the_summary()
    {
        using var cts = new CancellationTokenSource();
        var host = new RecordingHost();
        ScriptedEngineJob? job = null;
        job = new ScriptedEngineJob(
            [Running(File("a", TransferStatus.Success))],
            [Running(File("b", TransferStatus.Cancelled)), Finished(Summary(JobStatus.Cancelled))])
        {
            // After the first results, report "nothing yet" until the cancel from the other thread lands.
            HoldWhile = () => job!.PollCount > 1 && !job.Cancelled,
        };
        var (command, _) = Command(host, job);
        int callerThread = Environment.CurrentManagedThreadId;
        var canceller = Task.Run(async () =>
        {
            while (job.PollCount < 3) { await Task.Delay(5); }
            cts.Cancel();
        });

        var summary = command.Run(Options(), cts.Token);
        await canceller;

        Assert.Equal(JobStatus.Cancelled, summary!.Status);
        Assert.True(job.Cancelled);
        Assert.NotEqual(callerThread, job.CancelThread);
        Assert.Equal(["a", "b"], host.Results.Select(r => r.Path));
        Assert.Contains(host.Warnings, w => w.Contains("cancelled"));
        Assert.Equal([callerThread], host.CallingThreads);
        Assert.Equal(JobState.Completed, host.Progress[^1].State);
    }

    [Fact]
    public void An_engine_that_ignores_cancel_is_abandoned_after_the_grace_period()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var job = new ScriptedEngineJob([]) { HoldWhile = () => true };
        var command = new SyncCommand(new RecordingHost(), (_, _) => job) { CancellationGracePeriod = TimeSpan.FromMilliseconds(200) };

        // A token cancelled before the start stops before any job exists.
        Assert.Throws<OperationCanceledException>(() => command.Run(Options(), cts.Token));

        using var later = new CancellationTokenSource();
        var stubborn = new ScriptedEngineJob([]) { HoldWhile = () => { later.Cancel(); return true; } };
        var error = Assert.Throws<AzBlobSyncException>(() =>
            new SyncCommand(new RecordingHost(), (_, _) => stubborn) { CancellationGracePeriod = TimeSpan.FromMilliseconds(200) }.Run(Options(), later.Token));
        Assert.Equal(ErrorIds.CancellationTimedOut, error.ErrorId);
        Assert.True(stubborn.Cancelled);
        Assert.True(stubborn.Disposed);
    }

    [Fact]
    public void Progress_is_throttled_and_ends_with_a_terminal_state()
    {
        var host = new RecordingHost();
        var script = Enumerable.Range(0, 30).Select(_ => Running()).Append(Finished(Summary(JobStatus.Completed))).ToList();
        var (command, _) = Command(host, new ScriptedEngineJob(script));
        command.Run(Options());
        // 30 polls in a few ms: the throttle lets at most a couple through, and the last one closes the activity.
        Assert.InRange(host.Progress.Count, 1, 3);
        Assert.True(host.Progress[^1].IsTerminal);
    }

    [Fact]
    public void Invalid_input_fails_before_any_job_starts()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, new ScriptedEngineJob([]));

        var missing = Assert.Throws<AzBlobSyncException>(() => command.Run(Options() with { Source = Path.Combine(source.Root, "nope") }));
        Assert.Equal(ErrorIds.SourceNotFound, missing.ErrorId);

        source.Write("file.txt", "x");
        var notFolder = Assert.Throws<AzBlobSyncException>(() => command.Run(Options() with { Source = source.FullPath("file.txt") }));
        Assert.Equal(ErrorIds.SourceNotAFolder, notFolder.ErrorId);

        var badUrl = Assert.Throws<AzBlobSyncException>(() => command.Run(Options() with { Destination = "ftp://x/y" }));
        Assert.Equal(ErrorIds.InvalidDestination, badUrl.ErrorId);

        var concurrency = Assert.Throws<AzBlobSyncException>(() => command.Run(Options() with { Concurrency = 513 }));
        Assert.Equal(ErrorIds.InvalidSpec, concurrency.ErrorId);

        Assert.Empty(starts);
        Assert.Empty(host.ShouldProcessCalls);
    }

    [Fact]
    public void A_relative_source_is_made_absolute_before_the_engine_sees_it()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed))]));
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, source.Root);
        command.Run(Options() with { Source = relative });
        Assert.Equal(source.Root, Assert.Single(starts).Options.Source);
    }
}
