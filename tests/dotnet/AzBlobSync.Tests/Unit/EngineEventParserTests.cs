using System.Text;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Tests.Unit;

public sealed class EngineEventParserTests
{
    private static List<EngineEvent> Parse(string text) => EngineEventParser.ParseLines(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Parses_file_events_and_the_summary_in_order()
    {
        var events = Parse(
            """
            {"type":"file","path":"a b/c#%é😀.txt","blob":"pre/a b/c#%é😀.txt","action":"upload","status":"success","reason":"missing","bytes":3,"contentMd5":"kAFQmDzST7DWlj99KOF/cg==","error":null}
            {"type":"file","path":"x","blob":"x","action":"skip","status":"skipped","reason":"unchanged","bytes":0,"error":null}
            {"type":"file","path":"bad","blob":"bad","action":"upload","status":"failed","reason":"unreadable","bytes":0,"error":"cannot read","errorId":"LocalIoError"}
            {"type":"summary","jobId":"01a2","status":"completedWithErrors","dryRun":false,"filesTransferred":1,"filesSkipped":1,"filesFailed":1,"filesDeleted":2,"bytesTransferred":3,"differences":4,"elapsedSeconds":1.5,"error":null}

            """);

        Assert.Equal(4, events.Count);
        var first = events[0].File!;
        Assert.Equal("a b/c#%é😀.txt", first.Path);
        Assert.Equal("pre/a b/c#%é😀.txt", first.Blob);
        Assert.Equal(TransferAction.Upload, first.Action);
        Assert.Equal(TransferStatus.Success, first.Status);
        Assert.Equal(3, first.Bytes);
        Assert.Equal("kAFQmDzST7DWlj99KOF/cg==", first.ContentMd5);
        Assert.Null(first.ErrorId);

        Assert.Equal((TransferAction.Skip, TransferStatus.Skipped, "unchanged"), (events[1].File!.Action, events[1].File!.Status, events[1].File!.Reason));
        Assert.Equal(("cannot read", "AzBlobSync.LocalIoError"), (events[2].File!.Error, events[2].File!.ErrorId));

        var summary = events[3].Summary!;
        Assert.Null(events[3].File);
        Assert.Equal(JobStatus.CompletedWithErrors, summary.Status);
        Assert.Equal((1L, 1L, 1L, 3L), (summary.FilesTransferred, summary.FilesSkipped, summary.FilesFailed, summary.BytesTransferred));
        Assert.Equal((2L, 4L), (summary.FilesDeleted, summary.Differences));
        Assert.Equal(TimeSpan.FromSeconds(1.5), summary.Elapsed);
    }

    [Theory]
    [InlineData("whatIf", TransferStatus.WhatIf)]
    [InlineData("cancelled", TransferStatus.Cancelled)]
    public void Maps_dry_run_and_cancelled_file_statuses(string wire, TransferStatus expected)
    {
        var e = Parse($$"""{"type":"file","path":"p","blob":"p","action":"upload","status":"{{wire}}","reason":"missing","bytes":1,"error":null}""");
        Assert.Equal(expected, Assert.Single(e).File!.Status);
    }

    [Fact]
    public void A_failed_summary_carries_the_prefixed_error_id()
    {
        var summary = Parse("""{"type":"summary","jobId":"j","status":"failed","dryRun":true,"filesTransferred":0,"filesSkipped":0,"filesFailed":0,"filesDeleted":0,"bytesTransferred":0,"differences":0,"elapsedSeconds":0.01,"error":"container 'x' does not exist","errorId":"ContainerNotFound"}""")[0].Summary!;
        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.True(summary.DryRun);
        Assert.Equal("AzBlobSync.ContainerNotFound", summary.ErrorId);
        Assert.Equal("container 'x' does not exist", summary.Error);
    }

    [Theory]
    [InlineData("download", TransferAction.Download)]
    [InlineData("delete", TransferAction.Delete)]
    public void Knows_the_engines_other_directions_and_per_file_warnings(string wire, TransferAction expected)
    {
        var e = Parse($$"""{"type":"file","path":"p","blob":"p","action":"{{wire}}","status":"success","reason":"missing","bytes":1,"error":null,"warning":"md5 differs"}""");
        Assert.Equal((expected, "md5 differs"), (Assert.Single(e).File!.Action, e[0].File!.Warning));
    }

    [Fact]
    public void Parses_a_confirmation_request_between_file_events()
    {
        var events = Parse(
            """
            {"type":"file","path":"gone.txt","blob":"pre/gone.txt","action":"delete","status":"success","reason":"extra","bytes":0,"error":null}
            {"type":"confirm","id":18446744073709551615,"action":"delete","path":"dir/é 😀.txt","blob":"pre/dir/é 😀.txt","reason":"extra"}
            {"type":"file","path":"kept.txt","blob":"pre/kept.txt","action":"delete","status":"skipped","reason":"declined","bytes":0,"error":null}
            """);

        Assert.Equal(3, events.Count);
        Assert.Null(events[1].File);
        Assert.Null(events[1].Summary);
        var request = events[1].Confirmation!;
        Assert.Equal(
            (ulong.MaxValue, TransferAction.Delete, "dir/é 😀.txt", "pre/dir/é 😀.txt", "extra"),
            (request.Id, request.Action, request.Path, request.Blob, request.Reason));
        Assert.Equal((TransferAction.Delete, TransferStatus.Skipped, "declined"), (events[2].File!.Action, events[2].File!.Status, events[2].File!.Reason));
    }

    [Fact]
    public void A_poll_keeps_the_engines_order_and_sorts_events_by_kind()
    {
        var events = Parse(
            """
            {"type":"file","path":"a","blob":"a","action":"upload","status":"success","reason":"missing","bytes":1,"error":null}
            {"type":"confirm","id":1,"action":"delete","path":"x","blob":"x","reason":"extra"}
            """);
        var poll = new EnginePoll(events, JobProgress.Initial, false);
        Assert.Equal(["a"], poll.Files.Select(f => f.Path));
        Assert.Equal([1UL], poll.Confirmations.Select(c => c.Id));
        Assert.Null(poll.Summary);
        Assert.Equal(events, poll.Events);
    }

    [Fact]
    public void Unknown_event_types_are_ignored_for_forward_compatibility()
    {
        Assert.Empty(Parse("""{"type":"heartbeat","at":1}""" + "\n"));
    }

    [Theory]
    [InlineData("""{"type":"file","path":"p","blob":"p","action":"upload","status":"exploded","reason":"r","bytes":1}""", "unknown status 'exploded'")]
    [InlineData("""{"type":"file","path":"p","blob":"p","action":"teleport","status":"success","reason":"r","bytes":1}""", "unknown action 'teleport'")]
    [InlineData("""{"type":"file","blob":"p","action":"upload","status":"success","reason":"r","bytes":1}""", "lacks 'path'")]
    [InlineData("""{"type":"summary","jobId":"j","status":"completed","dryRun":false}""", "lacks 'filesTransferred'")]
    [InlineData("""{"type":"summary","jobId":"j","status":"completed","dryRun":false,"filesTransferred":0,"filesSkipped":0,"filesFailed":0,"bytesTransferred":0,"elapsedSeconds":1,"error":null}""", "lacks 'filesDeleted'")]
    [InlineData("""{"type":"summary","jobId":"j","status":"completed","dryRun":false,"filesTransferred":0,"filesSkipped":0,"filesFailed":0,"filesDeleted":0,"bytesTransferred":0,"elapsedSeconds":1,"error":null}""", "lacks 'differences'")]
    [InlineData("""{"type":"confirm","action":"delete","path":"p","blob":"b","reason":"extra"}""", "lacks 'id'")]
    [InlineData("""{"type":"confirm","id":1,"action":"shred","path":"p","blob":"b","reason":"extra"}""", "unknown action 'shred'")]
    [InlineData("""{"path":"p"}""", "no 'type'")]
    [InlineData("""{"type":"file",""", "not valid JSON")]
    public void Malformed_or_unknown_values_are_protocol_errors(string line, string expected)
    {
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => Parse(line));
        Assert.Equal(ErrorIds.EngineProtocolError, error.ErrorId);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Tolerates_crlf_and_blank_lines()
    {
        var events = Parse("\r\n" + """{"type":"file","path":"p","blob":"p","action":"upload","status":"success","reason":"missing","bytes":1,"error":null}""" + "\r\n\n");
        Assert.Single(events);
    }
}
