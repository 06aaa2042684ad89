using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;
using static AzBlobSync.Tests.Unit.ScriptedEngineJob;

namespace AzBlobSync.Tests.Unit;

/// <summary>CheckCommand's rules against a scripted job (the real engine's check is in the end-to-end tests).</summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly TestTree source = new();

    public void Dispose() => source.Dispose();

    private SyncOptions Options() => new() { Source = source.Root, Destination = "http://127.0.0.1:1/devstoreaccount1/ccc" };

    private static (CheckCommand Command, List<(SyncOptions Options, JobStart Start)> Starts) Command(RecordingHost host, ScriptedEngineJob job)
    {
        var starts = new List<(SyncOptions, JobStart)>();
        return (new CheckCommand(host, (o, start) => { starts.Add((o, start)); return job; }), starts);
    }

    private static ScriptedEngineJob ThreeDifferences(long failed = 0) => new([
        Running(
            Difference("new.txt", TransferAction.Upload, "missing", 5),
            File("same.txt", TransferStatus.Skipped),
            Difference("grown.txt", TransferAction.Upload, "sizeChanged", 7)),
        Finished(
            Summary(failed > 0 ? JobStatus.CompletedWithErrors : JobStatus.Completed, differences: 3, failed: failed),
            Difference("old.txt", TransferAction.Delete, "extra", 0) with { Blob = "pre/old.txt" }),
    ]);

    [Fact]
    public void Writes_one_classified_difference_per_name_that_differs_and_nothing_else()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, ThreeDifferences());

        JobSummary summary = command.Run(Options() with { DeleteDestination = true, MaxDelete = 1, DryRun = true });

        Assert.Equal(
            [("new.txt", DifferenceKind.Missing, "missing", TransferAction.Upload, 5L),
             ("grown.txt", DifferenceKind.Changed, "sizeChanged", TransferAction.Upload, 7L),
             ("old.txt", DifferenceKind.Extra, "extra", TransferAction.Delete, 0L)],
            host.Differences.Select(d => (d.Path, d.Kind, d.Reason, d.Action, d.Bytes)));
        Assert.Equal("pre/old.txt", host.Differences[2].Blob);
        Assert.Equal(host.Differences.Count, host.Objects.Count); // no summary, no skipped files on the pipeline
        Assert.Equal(3, summary.Differences);
        // A check is the check operation, never deletes, and has no limit that could make it fail.
        var (options, start) = Assert.Single(starts);
        Assert.Equal(JobStart.Check, start);
        Assert.Equal((false, null, false), (options.DeleteDestination, options.MaxDelete, options.DryRun));
        Assert.Empty(host.ShouldProcessCalls);
        Assert.Contains(host.Verbose, v => v.StartsWith("3 difference(s)"));
    }

    [Fact]
    public void Quiet_writes_only_false_when_anything_differs()
    {
        var host = new RecordingHost();
        Command(host, ThreeDifferences()).Command.Run(Options(), quiet: true);
        Assert.Equal([false], host.Objects);
    }

    [Fact]
    public void Quiet_writes_only_true_when_nothing_differs()
    {
        var host = new RecordingHost();
        Command(host, new ScriptedEngineJob([Finished(Summary(JobStatus.Completed), File("same.txt", TransferStatus.Skipped))])).Command.Run(Options(), quiet: true);
        Assert.Equal([true], host.Objects);
    }

    [Fact]
    public void A_file_that_could_not_be_compared_is_an_error_and_means_not_in_sync()
    {
        var host = new RecordingHost();
        var job = new ScriptedEngineJob([Finished(Summary(JobStatus.CompletedWithErrors, failed: 1), File("locked.txt", TransferStatus.Failed, "AzBlobSync.LocalIoError"))]);
        Command(host, job).Command.Run(Options(), quiet: true);
        var error = Assert.Single(host.Errors);
        Assert.StartsWith("'locked.txt' could not be compared: cannot read", error.Message);
        Assert.Equal([false], host.Objects);
    }

    [Fact]
    public void A_check_that_cannot_run_is_a_terminating_error_and_answers_nothing()
    {
        var host = new RecordingHost();
        var job = new ScriptedEngineJob([Finished(Summary(JobStatus.Failed, "AzBlobSync.ContainerNotFound", "container 'ccc' does not exist"))]);
        var error = Assert.Throws<JobFailedException>(() => Command(host, job).Command.Run(Options(), quiet: true));
        Assert.Equal("AzBlobSync.ContainerNotFound", error.ErrorId);
        Assert.Empty(host.Objects);
    }

    [Fact]
    public void A_confirmation_request_during_a_check_is_declined_without_asking()
    {
        var host = new RecordingHost();
        var job = new ScriptedEngineJob([RunningEvents(ConfirmDelete(4, "x")), Finished(Summary(JobStatus.Completed))]);
        Command(host, job).Command.Run(Options());
        Assert.Equal([(4UL, false)], job.Answers.Select(a => (a.Id, a.Approve)));
        Assert.Empty(host.ShouldProcessCalls);
    }

    [Fact]
    public void Results_that_are_not_differences_are_not_classified()
    {
        Assert.Null(SyncDifference.From(File("a", TransferStatus.Success)));
        Assert.Null(SyncDifference.From(File("a", TransferStatus.Skipped)));
        Assert.Null(SyncDifference.From(File("a", TransferStatus.Failed)));
        Assert.Equal(DifferenceKind.Changed, SyncDifference.From(Difference("a", TransferAction.Download, "newerThanDestination"))!.Kind);
        Assert.Equal(DifferenceKind.Changed, SyncDifference.From(Difference("a", TransferAction.Download, "modifiedTimeChanged"))!.Kind);
        Assert.Equal(DifferenceKind.Missing, SyncDifference.From(Difference("a", TransferAction.Download, "missing"))!.Kind);
    }
}
