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

    private static (SyncCommand Command, List<(SyncOptions Options, JobStart Start)> Starts) Command(RecordingHost host, ScriptedEngineJob job)
    {
        var starts = new List<(SyncOptions, JobStart)>();
        var command = new SyncCommand(host, (o, start) => { starts.Add((o, start)); return job; });
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

        Assert.Equal(JobStart.Sync(dryRun: true), Assert.Single(starts).Start);
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
        var error = Assert.ThrowsAny<AzBlobSyncException>(() =>
            new SyncCommand(new RecordingHost(), (_, _) => stubborn) { CancellationGracePeriod = TimeSpan.FromMilliseconds(200) }.Run(Options(), later.Token));
        Assert.Equal(ErrorIds.CancellationTimedOut, error.ErrorId);
        Assert.True(stubborn.Cancelled);
        Assert.True(stubborn.Disposed);
    }

    [Fact]
    public void Progress_is_throttled_and_ends_with_a_terminal_state()
    {
        var host = new RecordingHost();
        var clock = new SteppingClock();
        // 30 polls, each with new counters, 100 ms apart on the fake clock: the 250 ms throttle lets
        // every third one through (10), and the last write closes the activity. Without the throttle
        // all 30 would be written.
        var script = Enumerable.Range(1, 30)
            .Select(i => new EnginePoll([], null, new JobProgress(JobState.Transferring, 30, 30, i, 0, 0, 30, i), false))
            .Append(Finished(Summary(JobStatus.Completed)))
            .ToList();
        var job = new ScriptedEngineJob(script) { BeforeEachPoll = () => clock.Advance(TimeSpan.FromMilliseconds(100)) };
        var command = new SyncCommand(host, (_, _) => job) { Clock = clock };
        command.Run(Options());
        Assert.Equal(11, host.Progress.Count);
        Assert.Equal([3, 6, 9, 12, 15, 18, 21, 24, 27, 30], host.Progress.Take(10).Select(p => (int)p.FilesTransferred));
        Assert.True(host.Progress[^1].IsTerminal);
    }

    [Fact]
    public void Invalid_input_fails_before_any_job_starts()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, new ScriptedEngineJob([]));

        var missing = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { Source = Path.Combine(source.Root, "nope") }));
        Assert.Equal(ErrorIds.SourceNotFound, missing.ErrorId);

        source.Write("file.txt", "x");
        var notFolder = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { Source = source.FullPath("file.txt") }));
        Assert.Equal(ErrorIds.SourceNotAFolder, notFolder.ErrorId);

        var badUrl = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { Destination = "ftp://x/y" }));
        Assert.Equal(ErrorIds.InvalidDestination, badUrl.ErrorId);

        var concurrency = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { Concurrency = 513 }));
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

    [Fact]
    public void Each_deletion_is_put_to_ShouldProcess_on_the_calling_thread_and_answered_in_order()
    {
        int callerThread = Environment.CurrentManagedThreadId;
        var host = new RecordingHost { Decide = (target, _) => target != "keep-me.txt" };
        var job = new ScriptedEngineJob([
            RunningEvents(File("a", TransferStatus.Success), ConfirmDelete(1, "gone.txt")),
            RunningEvents(Deletion("gone.txt", TransferStatus.Success), ConfirmDelete(2, "keep-me.txt")),
            Finished(Summary(JobStatus.Completed), Deletion("keep-me.txt", TransferStatus.Skipped, "declined")),
        ]);
        var (command, starts) = Command(host, job);

        command.Run(Options() with { DeleteDestination = true, MaxDelete = 10 });

        Assert.Equal(JobStart.Sync(dryRun: false, confirmDeletes: true), Assert.Single(starts).Start);
        Assert.Equal([(1UL, true), (2UL, false)], job.Answers.Select(a => (a.Id, a.Approve)));
        Assert.All(job.Answers, a => Assert.Equal(callerThread, a.Thread));
        // The sync's own confirmation, then one per deletion: the blob name as target.
        Assert.Equal(
            [("gone.txt", "Delete blob"), ("keep-me.txt", "Delete blob")],
            host.ShouldProcessCalls.Skip(1));
        Assert.Contains("delete what the source does not have", host.ShouldProcessCalls[0].Action);
        // The declined deletion is no result (it is a skip) but is said in verbose.
        Assert.Equal(["a", "gone.txt"], host.Results.Select(r => r.Path));
        Assert.Contains(host.Verbose, v => v.Contains("'keep-me.txt' was not deleted: declined"));
        Assert.Equal([callerThread], host.CallingThreads);
    }

    [Fact]
    public void Under_WhatIf_deletions_are_planned_without_confirmations()
    {
        var host = new RecordingHost { IsWhatIf = true };
        var (command, starts) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed), Deletion("x", TransferStatus.WhatIf))]));
        command.Run(Options() with { DeleteDestination = true });
        Assert.Equal(JobStart.Sync(dryRun: true, confirmDeletes: false), Assert.Single(starts).Start);
        Assert.Empty(host.ShouldProcessCalls);
        Assert.Equal((TransferAction.Delete, TransferStatus.WhatIf), (host.Results[0].Action, host.Results[0].Status));
    }

    [Fact]
    public void A_confirmation_arriving_after_a_cancel_is_declined_without_asking()
    {
        using var cts = new CancellationTokenSource();
        var host = new RecordingHost { OnObject = _ => cts.Cancel() };
        var job = new ScriptedEngineJob(
            [RunningEvents(File("a", TransferStatus.Success), ConfirmDelete(9, "x"))],
            [Finished(Summary(JobStatus.Cancelled))]);
        var (command, _) = Command(host, job);

        command.Run(Options() with { DeleteDestination = true }, cts.Token);

        Assert.Equal([(9UL, false)], job.Answers.Select(a => (a.Id, a.Approve)));
        Assert.Single(host.ShouldProcessCalls); // only the sync's own
    }

    [Fact]
    public void A_download_is_confirmed_on_the_local_folder_and_its_deletions_name_local_files()
    {
        string restore = Path.Combine(source.Root, "restore");
        var host = new RecordingHost();
        var job = new ScriptedEngineJob([
            RunningEvents(ConfirmDelete(1, "sub/old.txt")),
            Finished(Summary(JobStatus.Completed), Deletion("sub/old.txt", TransferStatus.Success)),
        ]);
        var (command, starts) = Command(host, job);

        command.Run(new SyncOptions
        {
            Direction = SyncDirection.Download,
            Source = "http://127.0.0.1:1/devstoreaccount1/ccc/pre?sv=1&sig=HIDDEN",
            Destination = restore,
            DeleteDestination = true,
        });

        var (target, action) = host.ShouldProcessCalls[0];
        Assert.Equal(restore, target);
        Assert.StartsWith("Download new and changed blobs from 'http://127.0.0.1:1/devstoreaccount1/ccc/pre?sv=1&sig=REDACTED'", action);
        Assert.Equal((Path.Combine(restore, "sub", "old.txt"), "Delete file"), host.ShouldProcessCalls[1]);
        Assert.Equal(SyncDirection.Download, Assert.Single(starts).Options.Direction);
        Assert.All(host.Verbose.Concat(host.ShouldProcessCalls.Select(c => c.Action)), text => Assert.DoesNotContain("HIDDEN", text));
    }

    [Fact]
    public void A_download_validates_its_url_as_the_source_and_refuses_a_file_as_its_folder()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, new ScriptedEngineJob([]));
        var download = new SyncOptions { Direction = SyncDirection.Download, Source = "ftp://x/y?sig=SECRET", Destination = source.Root };

        var badUrl = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(download));
        Assert.Equal(ErrorIds.InvalidSource, badUrl.ErrorId);
        Assert.StartsWith("Source 'ftp://x/y?sig=REDACTED' is not a valid container URL", badUrl.Message);

        source.Write("file.txt", "x");
        var notFolder = Assert.ThrowsAny<AzBlobSyncException>(() =>
            command.Run(download with { Source = "http://127.0.0.1:1/a/ccc", Destination = source.FullPath("file.txt") }));
        Assert.Equal(ErrorIds.DestinationNotAFolder, notFolder.ErrorId);
        Assert.Equal(CommandErrorCategory.InvalidArgument, notFolder.Category);
        Assert.Empty(starts);
    }

    [Theory]
    [InlineData("/abs/logs", "an absolute path")]
    [InlineData("C:\\logs", "an absolute path")]
    [InlineData("a/../../etc", "climbs out")]
    [InlineData("ok;../up", "climbs out")]
    public void Filter_paths_must_be_relative(string path, string expected)
    {
        var (command, starts) = Command(new RecordingHost(), new ScriptedEngineJob([]));
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { ExcludePath = [path] }));
        Assert.Equal(ErrorIds.InvalidSpec, error.ErrorId);
        Assert.Contains(expected, error.Message);
        Assert.Empty(starts);
    }

    [Fact]
    public void Negative_limits_and_ages_are_refused_and_MaxDelete_alone_is_warned_about()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed))]));
        Assert.Equal(ErrorIds.InvalidSpec, Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { MaxDelete = -1 })).ErrorId);
        Assert.Equal(ErrorIds.InvalidSpec, Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Options() with { MinAge = TimeSpan.FromSeconds(-1) })).ErrorId);
        Assert.Empty(starts);

        command.Run(Options() with { MaxDelete = 5 });
        Assert.Contains(host.Warnings, w => w.Contains("MaxDelete has no effect without DeleteDestination"));
    }

    [Fact]
    public void A_failed_download_or_deletion_says_which_it_was()
    {
        var host = new RecordingHost();
        var failedDownload = File("d.bin", TransferStatus.Failed, "AzBlobSync.Md5Mismatch") with { Action = TransferAction.Download, Error = "blob 'd.bin' failed its MD5 check" };
        var failedDelete = Deletion("x", TransferStatus.Failed) with { ErrorId = "AzBlobSync.ServiceError", Error = "storage service error" };
        var (command, _) = Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.CompletedWithErrors), failedDownload, failedDelete)]));

        command.Run(Options());

        Assert.Equal(
            ["'d.bin' was not downloaded: blob 'd.bin' failed its MD5 check", "'x' was not deleted: storage service error"],
            host.Errors.Select(e => e.Message));
        Assert.Equal(CommandErrorCategory.InvalidResult, host.Errors[0].Category);
    }
}
