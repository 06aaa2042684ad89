using AzBlobSync.Commands;
using AzBlobSync.Engine;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;
using static AzBlobSync.Tests.Unit.ScriptedEngineJob;

namespace AzBlobSync.Tests.Unit;

/// <summary>CopyCommand's rules against a scripted job: validation, overwrite prompts, one job per item (the real engine is in the end-to-end tests).</summary>
public sealed class CopyCommandTests : IDisposable
{
    private const string Url = "http://127.0.0.1:1/devstoreaccount1/ccc/pre";

    private readonly TestTree source = new();

    public void Dispose() => source.Dispose();

    private SyncOptions Upload(string path, OverwriteMode overwrite = OverwriteMode.True, bool recursive = false) =>
        new() { Source = path, Destination = Url, Overwrite = overwrite, Recursive = recursive };

    private static (CopyCommand Command, List<(SyncOptions Options, JobStart Start)> Starts) Command(RecordingHost host, Func<ScriptedEngineJob> job)
    {
        var starts = new List<(SyncOptions, JobStart)>();
        var command = new CopyCommand(host, (o, start) => { starts.Add((o, start)); return job(); });
        return (command, starts);
    }

    private static ScriptedEngineJob Completed(params TransferResult[] files) => new([Finished(Summary(JobStatus.Completed), files)]);

    private static ConfirmationRequest ConfirmOverwrite(ulong id, TransferAction action, string path, string blob) =>
        new() { Id = id, Action = action, Path = path, Blob = blob, Reason = "overwrite" };

    private static TransferResult Copied(string path, string reason = "copy", TransferAction action = TransferAction.Upload) => new()
    {
        Path = path, Blob = "pre/" + path, Action = action, Status = TransferStatus.Success, Reason = reason, Bytes = 1,
    };

    private static TransferResult Kept(string path, string reason) => new()
    {
        Path = path, Blob = "pre/" + path, Action = TransferAction.Skip, Status = TransferStatus.Skipped, Reason = reason, Bytes = 0,
    };

    [Fact]
    public void A_copy_starts_the_copy_operation_with_the_source_made_absolute_after_asking_once()
    {
        source.Write("a.txt", "a");
        var host = new RecordingHost();
        var (command, starts) = Command(host, () => Completed(Copied("a.txt")));

        JobSummary? summary = command.Run(Upload(source.FullPath("a.txt"), OverwriteMode.IfSourceNewer));

        var (options, start) = Assert.Single(starts);
        Assert.Equal((JobOperation.Copy, false, false), (start.Operation, start.DryRun, start.ConfirmDeletes));
        Assert.Equal(source.FullPath("a.txt"), options.Source);
        Assert.Equal(OverwriteMode.IfSourceNewer, options.Overwrite);
        var (target, action) = Assert.Single(host.ShouldProcessCalls);
        Assert.Equal(Url, target);
        Assert.Equal($"Copy the file '{source.FullPath("a.txt")}', replacing what exists only where the source is newer", action);
        Assert.Equal(["a.txt"], host.Results.Select(r => r.Path));
        Assert.Same(summary, host.Objects[^1]);
    }

    [Fact]
    public void Under_WhatIf_a_copy_is_a_dry_run_that_asks_nothing()
    {
        source.Write("a.txt", "a");
        var host = new RecordingHost { IsWhatIf = true };
        var (command, starts) = Command(host, () => Completed());
        command.Run(Upload(source.Root, OverwriteMode.Prompt, recursive: true));
        Assert.True(Assert.Single(starts).Start.DryRun);
        Assert.Empty(host.ShouldProcessCalls);
    }

    [Fact]
    public void Each_overwrite_prompt_names_the_blob_and_is_answered_as_the_host_decides()
    {
        source.Write("a.txt", "a");
        var host = new RecordingHost { Decide = (target, action) => !target.EndsWith("b.txt", StringComparison.Ordinal) };
        ScriptedEngineJob? job = null;
        var (command, _) = Command(host, () => job = new ScriptedEngineJob([
            RunningEvents(ConfirmOverwrite(1, TransferAction.Upload, "a.txt", "pre/a.txt"), ConfirmOverwrite(2, TransferAction.Upload, "b.txt", "pre/b.txt")),
            Finished(Summary(JobStatus.Completed), Copied("a.txt", "overwrite"), Kept("b.txt", "declined")),
        ]));

        command.Run(Upload(source.FullPath("a.txt") + "/../*", OverwriteMode.Prompt));

        Assert.Equal([("pre/a.txt", "Overwrite blob"), ("pre/b.txt", "Overwrite blob")], host.ShouldProcessCalls.Skip(1));
        Assert.Equal([(1UL, true), (2UL, false)], job!.Answers.Select(a => (a.Id, a.Approve)));
        // The declined one is not a result by default; verbose says why.
        Assert.Equal(["a.txt"], host.Results.Select(r => r.Path));
        Assert.Contains("'b.txt' was not copied: overwriting it was declined.", host.Verbose);
        Assert.Contains("asking before replacing anything that exists", host.ShouldProcessCalls[0].Action);
    }

    [Fact]
    public void A_download_overwrite_prompt_names_the_local_file_wherever_the_copy_puts_it()
    {
        string restore = Path.Combine(source.Root, "restore");
        Directory.CreateDirectory(restore);
        (string Source, string Path, string Blob, string Expected)[] cases =
        [
            // contents: under the folder
            ($"{Url}/*", "sub/x.txt", "pre/sub/x.txt", Path.Combine(restore, "sub", "x.txt")),
            // a virtual folder: inside its own name
            (Url, "sub/x.txt", "pre/sub/x.txt", Path.Combine(restore, "pre", "sub", "x.txt")),
            // a whole container: inside the container's name
            ("http://127.0.0.1:1/devstoreaccount1/ccc", "pre/x.txt", "pre/x.txt", Path.Combine(restore, "ccc", "pre", "x.txt")),
            // one blob, into an existing folder
            ($"{Url}/x.txt", "x.txt", "pre/x.txt", Path.Combine(restore, "x.txt")),
        ];
        foreach (var c in cases)
        {
            var host = new RecordingHost();
            var (command, _) = Command(host, () => new ScriptedEngineJob([
                RunningEvents(ConfirmOverwrite(1, TransferAction.Download, c.Path, c.Blob)),
                Finished(Summary(JobStatus.Completed)),
            ]));
            command.Run(new SyncOptions { Direction = SyncDirection.Download, Source = c.Source, Destination = restore, Overwrite = OverwriteMode.Prompt, Recursive = true });
            Assert.Equal((c.Expected, "Overwrite file"), host.ShouldProcessCalls[1]);
        }

        // One blob to a file name: the destination is the file.
        string renamed = Path.Combine(restore, "renamed.txt");
        var one = new RecordingHost();
        var (toFile, starts) = Command(one, () => new ScriptedEngineJob([
            RunningEvents(ConfirmOverwrite(1, TransferAction.Download, "x.txt", "pre/x.txt")),
            Finished(Summary(JobStatus.Completed)),
        ]));
        toFile.Run(new SyncOptions { Direction = SyncDirection.Download, Source = $"{Url}/x.txt", Destination = renamed, Overwrite = OverwriteMode.Prompt });
        Assert.Equal((renamed, "Overwrite file"), one.ShouldProcessCalls[1]);
        Assert.Equal(renamed, Assert.Single(starts).Options.Destination);
    }

    [Fact]
    public void A_download_destinations_trailing_separator_reaches_the_engine()
    {
        var host = new RecordingHost();
        var (command, starts) = Command(host, () => Completed());
        string into = Path.Combine(source.Root, "new folder") + Path.DirectorySeparatorChar;
        command.Run(new SyncOptions { Direction = SyncDirection.Download, Source = $"{Url}/x.txt", Destination = into });
        Assert.Equal(into, Assert.Single(starts).Options.Destination);
    }

    [Fact]
    public void Each_item_is_its_own_job_and_an_item_that_cannot_be_copied_is_an_error_while_the_others_go_on()
    {
        source.Write("a.txt", "a");
        source.Write("folder/b.txt", "b");
        source.Write("z.txt", "z");
        var host = new RecordingHost();
        var (command, starts) = Command(host, () => Completed(Copied("x")));

        var summaries = command.RunEach(
            [source.FullPath("a.txt"), source.FullPath("folder"), source.FullPath("missing.txt"), source.FullPath("z.txt")],
            Upload(string.Empty));

        Assert.Equal([source.FullPath("a.txt"), source.FullPath("z.txt")], starts.Select(s => s.Options.Source));
        Assert.Equal(2, summaries.Count);
        Assert.Equal([ErrorIds.InvalidSpec, ErrorIds.SourceNotFound], host.Errors.Select(e => e.ErrorId));
        Assert.Contains("-Recursive", host.Errors[0].Message);
        Assert.Equal(2, host.Summaries.Count);
    }

    [Fact]
    public void A_bad_destination_stops_all_items_at_once()
    {
        source.Write("a.txt", "a");
        var host = new RecordingHost();
        var (command, starts) = Command(host, () => Completed());
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => command.RunEach([source.FullPath("a.txt"), source.FullPath("a.txt")], Upload(string.Empty) with { Destination = "ftp://x/y" }));
        Assert.Equal(ErrorIds.InvalidDestination, error.ErrorId);
        Assert.Empty(starts);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void A_copy_refuses_DeleteDestination_and_bad_upload_properties_before_any_job()
    {
        source.Write("a.txt", "a");
        var host = new RecordingHost();
        var (command, starts) = Command(host, () => Completed());
        SyncOptions valid = Upload(source.FullPath("a.txt"));
        foreach (SyncOptions bad in new[]
                 {
                     valid with { DeleteDestination = true },
                     valid with { Metadata = new Dictionary<string, string> { ["mtime"] = "x" } },
                     valid with { Metadata = new Dictionary<string, string> { ["MTime"] = "x" } },
                     valid with { Metadata = new Dictionary<string, string> { ["1st"] = "x" } },
                     valid with { Metadata = new Dictionary<string, string> { ["a-b"] = "x" } },
                     valid with { Metadata = new Dictionary<string, string> { ["owner"] = "zoë" } },
                     valid with { Metadata = new Dictionary<string, string> { ["note"] = "two\nlines" } },
                     valid with { Tags = Enumerable.Range(0, 11).ToDictionary(i => $"t{i}", i => "v") },
                     valid with { Tags = new Dictionary<string, string> { ["a b"] = "c!d" } },
                     valid with { Tags = new Dictionary<string, string> { [""] = "v" } },
                     valid with { Tags = new Dictionary<string, string> { [new string('k', 129)] = "v" } },
                     valid with { Tags = new Dictionary<string, string> { ["k"] = new string('v', 257) } },
                     valid with { HashCachePath = source.Root },
                 })
        {
            Assert.Equal(ErrorIds.InvalidSpec, Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(bad)).ErrorId);
        }
        Assert.Empty(starts);
        Assert.Empty(host.ShouldProcessCalls);
        var reserved = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(valid with { Metadata = new Dictionary<string, string> { ["mtime"] = "x" } }));
        Assert.Contains("reserved", reserved.Message);
    }

    [Fact]
    public void Identifier_metadata_names_ascii_values_and_ten_valid_tags_are_accepted()
    {
        source.Write("a.txt", "a");
        var (command, starts) = Command(new RecordingHost(), () => Completed());
        command.Run(Upload(source.FullPath("a.txt")) with
        {
            Metadata = new Dictionary<string, string> { ["dept"] = "hr", ["_x"] = "", ["Owner_1"] = "Zoe O'Brien <zoe@example.com>" },
            Tags = Enumerable.Range(0, 9).ToDictionary(i => $"t{i}", i => "v")
                .Append(new KeyValuePair<string, string>("Project Name_1", "a+b-c.d/e:f=g _")).ToDictionary(),
        });
        Assert.Single(starts);
    }

    [Fact]
    public void A_sync_makes_the_hash_cache_path_absolute()
    {
        var started = new List<SyncOptions>();
        new SyncCommand(new RecordingHost(), (o, _) => { started.Add(o); return Completed(); })
            .Run(new SyncOptions { Source = source.Root, Destination = Url, CompareHash = CompareHashMode.MD5, HashCachePath = "relative/hashes.redb" });
        Assert.Equal(Path.GetFullPath("relative/hashes.redb"), Assert.Single(started).HashCachePath);
        Assert.Equal(CompareHashMode.MD5, started[0].CompareHash);
    }

    [Fact]
    public void Property_tables_become_text_and_names_differing_in_case_are_refused()
    {
        var table = new System.Collections.Hashtable { ["dept"] = "hr", ["n"] = 5, ["empty"] = null };
        var values = PropertyTable.From(table, "Metadata", v => v is null ? null : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([("dept", "hr"), ("empty", ""), ("n", "5")], values.Select(p => (p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Empty(PropertyTable.From(null, "Tag", v => v?.ToString()));

        var twice = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal) { ["Dept"] = "a", ["dept"] = "b" };
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => PropertyTable.From(twice, "Metadata", v => v?.ToString()));
        Assert.Equal(ErrorIds.InvalidSpec, error.ErrorId);
        Assert.Contains("-Metadata names 'dept' twice", error.Message);
        var blank = new System.Collections.Hashtable { [" "] = "x" };
        Assert.Equal(ErrorIds.InvalidSpec, Assert.ThrowsAny<AzBlobSyncException>(() => PropertyTable.From(blank, "Tag", v => v?.ToString())).ErrorId);
    }
}
