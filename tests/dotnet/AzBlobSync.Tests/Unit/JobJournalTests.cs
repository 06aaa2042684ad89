using System.Text.Json;
using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Journal;
using AzBlobSync.Tests.Infrastructure;
using static AzBlobSync.Tests.Unit.ScriptedEngineJob;

namespace AzBlobSync.Tests.Unit;

/// <summary>The job journal's questions and answers (azbs_jobs' JSON), and the job commands, against a scripted channel.</summary>
public sealed class JobJournalTests
{
    private const string Done = """{"jobId":"j-done","status":"Completed","resumable":false,"attempt":1,"operation":"sync","source":"/data","destination":"http://127.0.0.1:1/acct/c","startTime":"2026-01-31T10:00:00Z","endTime":"2026-01-31T10:05:00.5Z","filesTransferred":3,"filesSkipped":1,"filesFailed":0,"filesDeleted":2,"filesPending":0,"bytesTransferred":30,"errorId":null,"error":null,"logPath":"/j/logs/j-done.jsonl","signIn":{"kind":"accountKey"}}""";
    private const string Failed = """{"jobId":"j-failed","status":"Failed","resumable":true,"attempt":2,"operation":"sync","source":"/data","destination":"http://127.0.0.1:1/acct/c","startTime":"2026-01-30T10:00:00Z","endTime":null,"filesTransferred":0,"filesSkipped":0,"filesFailed":1,"filesDeleted":0,"filesPending":4,"bytesTransferred":0,"errorId":"ContainerNotFound","error":"container not found","logPath":null,"signIn":{}}""";

    /// <summary>Records each question and answers from a script.</summary>
    private sealed class ScriptedChannel(params string[] answers) : IJournalChannel
    {
        private readonly Queue<string> answers = new(answers);

        public List<JsonElement> Requests { get; } = [];

        public string Ask(string requestJson)
        {
            Requests.Add(JsonDocument.Parse(requestJson).RootElement.Clone());
            return answers.Dequeue();
        }
    }

    private static string Names(JsonElement request) => string.Join(",", request.EnumerateObject().Select(p => p.Name));

    [Fact]
    public void List_asks_with_the_folder_and_statuses_and_reads_typed_records()
    {
        var channel = new ScriptedChannel($$"""{"ok":true,"jobs":[{{Done}},{{Failed}}]}""");
        var jobs = new JobJournal("/jobs", channel).List([JobStatus.Completed, JobStatus.Failed, JobStatus.Completed]);

        var request = Assert.Single(channel.Requests);
        Assert.Equal("op,jobDir,status", Names(request));
        Assert.Equal("list", request.GetProperty("op").GetString());
        Assert.Equal("/jobs", request.GetProperty("jobDir").GetString());
        Assert.Equal(["Completed", "Failed"], request.GetProperty("status").EnumerateArray().Select(s => s.GetString()));

        Assert.Equal(["j-done", "j-failed"], jobs.Select(j => j.JobId));
        JobRecord done = jobs[0];
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.Zero).LocalDateTime, done.StartTime);
        Assert.Equal(DateTimeKind.Local, done.StartTime.Kind);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 10, 5, 0, 500, TimeSpan.Zero).LocalDateTime, done.EndTime);
        Assert.Equal((3L, 1L, 0L, 2L, 30L), (done.FilesTransferred, done.FilesSkipped, done.FilesFailed, done.FilesDeleted, done.BytesTransferred));
        Assert.Equal("/j/logs/j-done.jsonl", done.LogPath);
        Assert.Empty(done.FailedFiles);
        JobRecord failed = jobs[1];
        Assert.Null(failed.EndTime);
        Assert.True(failed.Resumable);
        Assert.Equal(2, failed.Attempt);
        Assert.Equal(4, failed.FilesPending);
        Assert.Equal("AzBlobSync.ContainerNotFound", failed.ErrorId);
    }

    [Fact]
    public void Without_a_folder_or_statuses_the_question_names_neither()
    {
        var channel = new ScriptedChannel("""{"ok":true,"jobs":[]}""");
        Assert.Empty(new JobJournal(null, channel).List());
        Assert.Equal("op", Names(Assert.Single(channel.Requests)));
    }

    [Fact]
    public void Show_reads_the_failed_files()
    {
        string detail = Failed[..^1] + ""","failedFiles":[{"path":"a/b.txt","errorId":"ServiceError","error":"HTTP 500 sig=REDACTED"}]}""";
        var channel = new ScriptedChannel($$"""{"ok":true,"job":{{detail}}}""");
        JobRecord job = new JobJournal("/jobs", channel).Show("j-failed");
        Assert.Equal("j-failed", channel.Requests[0].GetProperty("jobId").GetString());
        var file = Assert.Single(job.FailedFiles);
        Assert.Equal(new JobFailedFile("a/b.txt", "AzBlobSync.ServiceError", "HTTP 500 sig=REDACTED"), file);
    }

    [Fact]
    public void A_refusal_becomes_the_engine_s_error_id_and_category()
    {
        var channel = new ScriptedChannel("""{"ok":false,"errorId":"JobNotFound","category":"ObjectNotFound","message":"no job 'x' in the journal"}""");
        var e = Assert.Throws<AzBlobSyncException>(() => new JobJournal(null, channel).Show("x"));
        Assert.Equal(ErrorIds.JobNotFound, e.ErrorId);
        Assert.Equal(CommandErrorCategory.ObjectNotFound, e.Category);
        Assert.Equal("No job 'x' in the journal.", e.Message);
    }

    [Fact]
    public void An_unreadable_answer_is_a_protocol_error()
    {
        var e = Assert.Throws<AzBlobSyncException>(() => new JobJournal(null, new ScriptedChannel("not json")).List());
        Assert.Equal(ErrorIds.EngineProtocolError, e.ErrorId);
        var unknown = Assert.Throws<AzBlobSyncException>(() => new JobJournal(null, new ScriptedChannel("""{"ok":true,"jobs":[{"jobId":"x","status":"Sleeping","startTime":"2026-01-01T00:00:00Z"}]}""")).List());
        Assert.Equal(ErrorIds.EngineProtocolError, unknown.ErrorId);
    }

    [Fact]
    public void Remove_by_selection_writes_olderThan_in_utc()
    {
        var channel = new ScriptedChannel("""{"ok":true,"removed":["a"]}""");
        var removed = new JobJournal("/jobs", channel).Remove(new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc), [JobStatus.Failed]);
        Assert.Equal(["a"], removed);
        Assert.Equal("2026-01-31T00:00:00Z", channel.Requests[0].GetProperty("olderThan").GetString());
        Assert.Equal("remove", channel.Requests[0].GetProperty("op").GetString());
    }

    [Fact]
    public void Get_with_ids_shows_each_and_a_missing_one_is_a_non_terminating_error()
    {
        var channel = new ScriptedChannel(
            """{"ok":false,"errorId":"JobNotFound","category":"ObjectNotFound","message":"no job 'nope'"}""",
            """{"ok":true,"job":""" + Done[..^1] + ""","failedFiles":[]}}""");
        var host = new RecordingHost();
        new GetJobCommand(host, new JobJournal(null, channel)).Run(["nope", "j-done"], null);
        Assert.Equal(ErrorIds.JobNotFound, Assert.Single(host.Errors).ErrorId);
        Assert.Equal("j-done", Assert.IsType<JobRecord>(Assert.Single(host.Objects)).JobId);
    }

    [Fact]
    public void Remove_confirms_each_job_and_under_WhatIf_removes_nothing()
    {
        var channel = new ScriptedChannel($$"""{"ok":true,"jobs":[{{Done}},{{Failed}}]}""");
        var host = new RecordingHost { ConfirmAnswer = false };
        new RemoveJobCommand(host, new JobJournal(null, channel)).RunBySelection(new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), null, passThru: true);
        Assert.Equal(2, host.ShouldProcessCalls.Count);
        Assert.Single(channel.Requests); // the list only: nothing removed
        Assert.Empty(host.Objects);
    }

    [Fact]
    public void Remove_by_age_keeps_newer_jobs_and_passes_the_removed_records_through()
    {
        var channel = new ScriptedChannel($$"""{"ok":true,"jobs":[{{Done}},{{Failed}}]}""", """{"ok":true,"removed":["j-failed"]}""");
        var host = new RecordingHost();
        new RemoveJobCommand(host, new JobJournal(null, channel)).RunBySelection(new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc), null, passThru: true);
        Assert.Equal("j-failed", channel.Requests[1].GetProperty("jobId").GetString());
        Assert.Equal("j-failed", Assert.IsType<JobRecord>(Assert.Single(host.Objects)).JobId);
    }

    [Fact]
    public void Remove_needs_a_selection()
    {
        var e = Assert.Throws<AzBlobSyncException>(() => new RemoveJobCommand(new RecordingHost(), new JobJournal(null, new ScriptedChannel())).RunBySelection(null, null, false));
        Assert.Equal(ErrorIds.InvalidSpec, e.ErrorId);
    }

    [Fact]
    public void Resume_writes_only_what_is_given_and_never_a_null_that_would_override_the_record()
    {
        var options = new ResumeOptions
        {
            JobId = "j",
            JobDirectory = "/jobs",
            DestinationSas = Secrets.ToSecureString("sv=2024&sig=SECRET"),
            AzCopyEnvironment = new Dictionary<string, string>(),
        };
        using var spec = JobSpecWriter.WriteResume(options);
        var root = JsonDocument.Parse(spec.WrittenSpan.ToArray()).RootElement;
        Assert.Equal("resumeJobId,jobDir,destinationSas,azcopyEnvironment", Names(root));
        Assert.Equal("sv=2024&sig=SECRET", root.GetProperty("destinationSas").GetString());
        Assert.DoesNotContain("SECRET", options.ToString());
    }

    [Fact]
    public void Resume_runs_the_job_as_a_sync_does_and_asks_first()
    {
        var host = new RecordingHost();
        var job = new ScriptedEngineJob([Finished(Summary(JobStatus.Completed), File("a", TransferStatus.Success), File("b", TransferStatus.Failed, "AzBlobSync.ServiceError"))]);
        ResumeOptions? started = null;
        var summary = new SyncCommand(host, o => { started = o; return job; }).Resume(new ResumeOptions { JobId = "j" });
        Assert.Equal("j", started!.JobId);
        Assert.Equal(("j", "Resume the recorded job"), Assert.Single(host.ShouldProcessCalls));
        Assert.Equal(["a"], host.Results.Select(r => r.Path));
        Assert.Equal(ErrorIds.ServiceError, Assert.Single(host.Errors).ErrorId);
        Assert.Same(summary, host.Objects[^1]);
        Assert.True(job.Disposed);
    }

    [Fact]
    public void Resume_declined_starts_nothing_and_a_failed_start_keeps_the_engine_s_id()
    {
        bool started = false;
        Assert.Null(new SyncCommand(new RecordingHost { ConfirmAnswer = false }, _ => { started = true; return new ScriptedEngineJob([]); }).Resume(new ResumeOptions { JobId = "j" }));
        Assert.False(started);

        var refused = new ScriptedEngineJob([Finished(Summary(JobStatus.Failed, "AzBlobSync.InvalidCredential", "give the SAS again"))]);
        var e = Assert.Throws<JobFailedException>(() => new SyncCommand(new RecordingHost(), _ => refused).Resume(new ResumeOptions { JobId = "j" }));
        Assert.Equal(ErrorIds.InvalidCredential, e.ErrorId);
    }
}
