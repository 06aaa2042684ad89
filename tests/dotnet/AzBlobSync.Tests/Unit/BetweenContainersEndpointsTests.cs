using System.Text;
using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;

namespace AzBlobSync.Tests.Unit;

/// <summary>Both ends container URLs: how they are checked, shown and prompted about; and the engine's "copy" action parsed.</summary>
public sealed class BetweenContainersEndpointsTests
{
    private const string SourceUrl = "http://127.0.0.1:1/devstoreaccount1/src/site";
    private const string DestinationUrl = "http://127.0.0.1:1/devstoreaccount1/dst/mirror";

    private static SyncOptions Between(string source = SourceUrl, string destination = DestinationUrl) => new()
    {
        Direction = SyncDirection.ContainerToContainer,
        Source = source,
        Destination = destination,
    };

    [Fact]
    public void Both_urls_are_checked_each_with_its_own_error_id_for_a_sync_and_for_a_copy()
    {
        foreach (Func<SyncOptions, JobEndpoints> validate in new Func<SyncOptions, JobEndpoints>[] { JobEndpoints.Validate, JobEndpoints.ValidateCopy })
        {
            Assert.Equal(ErrorIds.InvalidSource, Assert.ThrowsAny<AzBlobSyncException>(() => validate(Between(source: "src/site"))).ErrorId);
            Assert.Equal(ErrorIds.InvalidSource, Assert.ThrowsAny<AzBlobSyncException>(() => validate(Between(source: "http://127.0.0.1:1/devstoreaccount1/A_B"))).ErrorId);
            Assert.Equal(ErrorIds.InvalidDestination, Assert.ThrowsAny<AzBlobSyncException>(() => validate(Between(destination: "D:\\mirror"))).ErrorId);
            Assert.Equal(ErrorIds.InvalidDestination, Assert.ThrowsAny<AzBlobSyncException>(() => validate(Between(destination: "http://127.0.0.1:1/devstoreaccount1"))).ErrorId);
        }
        // A copy never deletes, between containers too.
        Assert.Equal(ErrorIds.InvalidSpec, Assert.ThrowsAny<AzBlobSyncException>(() => JobEndpoints.ValidateCopy(Between() with { DeleteDestination = true })).ErrorId);
    }

    [Fact]
    public void Shows_both_urls_redacted_and_prompts_with_destination_blob_names()
    {
        var endpoints = JobEndpoints.Validate(Between(destination: DestinationUrl + "?sv=2024&sig=SECRET"));
        Assert.Equal(SourceUrl, endpoints.SourceDisplay);
        Assert.Equal(DestinationUrl + "?sv=2024&sig=REDACTED", endpoints.DestinationDisplay);
        Assert.Equal(("src", "site"), (endpoints.Container.Container, endpoints.Container.Prefix));
        Assert.Equal(("dst", "mirror"), (endpoints.DestinationContainer!.Container, endpoints.DestinationContainer.Prefix));
        Assert.Equal(Between().Source, endpoints.Options.Source); // URLs go to the engine as given

        var delete = new ConfirmationRequest { Id = 1, Action = TransferAction.Delete, Path = "old.txt", Blob = "mirror/old.txt", Reason = "extra" };
        var overwrite = new ConfirmationRequest { Id = 2, Action = TransferAction.Copy, Path = "a.txt", Blob = "mirror/a.txt", Reason = "exists" };
        Assert.Equal(("mirror/old.txt", "Delete blob"), endpoints.ConfirmationPrompt(delete));
        Assert.Equal(("mirror/a.txt", "Overwrite blob"), JobEndpoints.ValidateCopy(Between(source: SourceUrl + "/*")).ConfirmationPrompt(overwrite));
        Assert.True(JobEndpoints.ValidateCopy(Between(source: SourceUrl + "/*?sv=1&sig=x")).ContentsOnly);
    }

    [Fact]
    public void The_engine_copy_action_is_parsed_in_file_and_confirm_events_and_a_check_calls_it_a_difference()
    {
        var events = EngineEventParser.ParseLines(Encoding.UTF8.GetBytes(
            """
            {"type":"file","path":"a b.txt","blob":"mirror/a b.txt","action":"copy","status":"whatIf","reason":"missing","bytes":5,"error":null}
            {"type":"confirm","id":7,"action":"copy","path":"a b.txt","blob":"renamed.txt","reason":"exists"}

            """));
        var file = events[0].File!;
        Assert.Equal((TransferAction.Copy, "a b.txt", "mirror/a b.txt"), (file.Action, file.Path, file.Blob));
        Assert.Equal((DifferenceKind.Missing, TransferAction.Copy), (SyncDifference.From(file)!.Kind, SyncDifference.From(file)!.Action));
        var confirm = events[1].Confirmation!;
        Assert.Equal((7UL, TransferAction.Copy, "renamed.txt"), (confirm.Id, confirm.Action, confirm.Blob));
        Assert.StartsWith("'a b.txt' was not copied: ", CommandError.ForFailedFile(file with { Status = TransferStatus.Failed, Error = "e" }).Message);
    }
}
