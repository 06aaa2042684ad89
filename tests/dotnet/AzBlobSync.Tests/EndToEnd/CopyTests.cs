using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// Copy-AzBlob's engine side against the real engine and Azurite, read back with the oracle: pipeline items,
/// a folder versus its contents versus one file (renamed or not), the overwrite rules, and copies down.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CopyTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private SyncOptions Upload(string source, string destination, bool recursive = false, OverwriteMode overwrite = OverwriteMode.True) => new()
    {
        Source = source,
        Destination = destination,
        Recursive = recursive,
        Overwrite = overwrite,
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    private SyncOptions Download(string source, string destination, bool recursive = false, OverwriteMode overwrite = OverwriteMode.True) => new()
    {
        Direction = SyncDirection.Download,
        Source = source,
        Destination = destination,
        Recursive = recursive,
        Overwrite = overwrite,
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    /// <summary>Blob name → hex MD5 of its bytes, as Azure's SDK reads them.</summary>
    private Dictionary<string, string> Blobs(string container) =>
        azurite.Oracle.Inventory(container).ToDictionary(b => b.Name, b => b.Md5OfContent, StringComparer.Ordinal);

    /// <summary>
    /// What Copy-AzBlob's ProcessRecord does for one record of <c>Get-ChildItem | Copy-AzBlob</c>: the item's FullName
    /// binds to -LiteralPath, is resolved literally (CopySourcePath.Resolve), and the result is copied with RunEach.
    /// </summary>
    private static void ProcessRecord(CopyCommand command, FileSystemInfo item, SyncOptions options) =>
        command.RunEach(CopySourcePath.Resolve(item.FullName, path => [Path.GetFullPath(path)], Path.DirectorySeparatorChar), options);

    [Fact]
    public void Get_ChildItem_piped_in_copies_each_file_and_needs_Recursive_for_each_folder()
    {
        tree.Write("a.txt", "alpha");
        tree.Write("b b.txt", "beta");
        tree.Write("sub/c.txt", "gamma");
        tree.Write("sub/deep/d.txt", "delta");
        string container = azurite.NewContainer("copy-pipe");
        string into = azurite.ContainerUrl(container, "in") + "/";
        FileSystemInfo[] items = new DirectoryInfo(tree.Root).GetFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(["a.txt", "b b.txt", "sub"], items.Select(i => i.Name));
        Assert.IsType<DirectoryInfo>(items[2]);

        var host = new RecordingHost();
        var command = new CopyCommand(host);
        foreach (FileSystemInfo item in items)
        {
            ProcessRecord(command, item, Upload(string.Empty, into));
        }

        // The files went one by one; the folder was refused (no -Recursive) without stopping the others.
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorIds.InvalidSpec, error.ErrorId);
        Assert.Contains("-Recursive", error.Message);
        Assert.Equal(tree.FullPath("sub"), error.Target);
        Assert.Equal(2, host.Summaries.Count);
        Assert.Equal([("a.txt", "in/a.txt"), ("b b.txt", "in/b b.txt")], host.Results.Select(r => (r.Path, r.Blob)));
        Assert.Equal(
            new Dictionary<string, string> { ["in/a.txt"] = tree.Md5ByRelativePath["a.txt"], ["in/b b.txt"] = tree.Md5ByRelativePath["b b.txt"] },
            Blobs(container));

        // With -Recursive the folder lands under its own name, with everything below it.
        var recursive = new RecordingHost();
        foreach (FileSystemInfo item in items)
        {
            ProcessRecord(new CopyCommand(recursive), item, Upload(string.Empty, into, recursive: true));
        }
        Assert.Empty(recursive.Errors);
        Assert.Equal(3, recursive.Summaries.Count);
        Assert.Equal(tree.Md5ByRelativePath.ToDictionary(kv => "in/" + kv.Key, kv => kv.Value), Blobs(container));
        // The files were there already: overwrite True replaced them without looking (reason copy, as for the new ones).
        Assert.Equal(
            [("a.txt", "copy"), ("b b.txt", "copy"), ("c.txt", "copy"), ("deep/d.txt", "copy")],
            recursive.Results.Select(r => (r.Path, r.Reason)).OrderBy(r => r.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void A_folder_lands_under_its_name_its_contents_do_not_and_one_file_is_named_by_the_destination()
    {
        tree.Write("data/top.txt", "top");
        tree.Write("data/nested/low.txt", "low");
        tree.Write("report.csv", "a,b\n1,2\n");
        string container = azurite.NewContainer("copy-shapes");
        string data = tree.FullPath("data");
        char sep = Path.DirectorySeparatorChar;
        var host = new RecordingHost();
        var command = new CopyCommand(host);

        command.Run(Upload(data, azurite.ContainerUrl(container, "folder"), recursive: true));
        command.Run(Upload(data + sep + "*", azurite.ContainerUrl(container, "contents")));
        command.Run(Upload(data + "/*", azurite.ContainerUrl(container, "all"), recursive: true));
        command.Run(Upload(tree.FullPath("report.csv"), azurite.ContainerUrl(container)));
        command.Run(Upload(tree.FullPath("report.csv"), azurite.ContainerUrl(container, "in") + "/"));
        command.Run(Upload(tree.FullPath("report.csv"), azurite.ContainerUrl(container, "renamed.csv")));

        string top = tree.Md5ByRelativePath["data/top.txt"], low = tree.Md5ByRelativePath["data/nested/low.txt"], csv = tree.Md5ByRelativePath["report.csv"];
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["folder/data/top.txt"] = top,
                ["folder/data/nested/low.txt"] = low,
                ["contents/top.txt"] = top, // the top level only, without Recursive
                ["all/top.txt"] = top,
                ["all/nested/low.txt"] = low,
                ["report.csv"] = csv,
                ["in/report.csv"] = csv,
                ["renamed.csv"] = csv,
            },
            Blobs(container));
        Assert.Empty(host.Errors);
        Assert.Equal(6, host.Summaries.Count);
        Assert.All(host.Summaries, s => Assert.Equal(JobStatus.Completed, s.Status));
        Assert.Contains(host.ShouldProcessCalls, c => c.Action.StartsWith($"Copy the files in '{data}'", StringComparison.Ordinal));
        Assert.Contains(host.ShouldProcessCalls, c => c.Action.StartsWith($"Copy the folder '{data}' and everything below it", StringComparison.Ordinal));

        // The folder itself without Recursive: refused before any job, naming -Recursive; the engine says the same.
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => command.Run(Upload(data, azurite.ContainerUrl(container, "x"))));
        Assert.Equal(ErrorIds.InvalidSpec, error.ErrorId);
        Assert.Contains("-Recursive", error.Message);
        string spec = System.Text.Json.JsonSerializer.Serialize(new
        {
            operation = "copy", source = data, destination = azurite.ContainerUrl(container, "x"), accountKey = AzuriteFixture.AccountKey,
        });
        using var job = Engine.SyncJob.StartRaw(System.Text.Encoding.UTF8.GetBytes(spec));
        JobSummary engine = BadInputTests.DrainToSummary(job, out _);
        Assert.Equal((JobStatus.Failed, ErrorIds.InvalidSpec), (engine.Status, engine.ErrorId));
        Assert.Contains("-Recursive", engine.Error);
        Assert.DoesNotContain(azurite.Oracle.Names(container), n => n.StartsWith("x/", StringComparison.Ordinal));
    }

    [Fact]
    public void Overwrite_False_keeps_IfSourceNewer_compares_times_and_Prompt_asks_for_each_existing_blob()
    {
        tree.Write("a.txt", "new a");
        tree.Write("b.txt", "new b");
        tree.Write("c.txt", "new c");
        string container = azurite.NewContainer("copy-overwrite");
        var old = Seed.Blobs(azurite.Oracle, container, ("pre/a.txt", "old a"), ("pre/b.txt", "old b"));
        string contents = tree.Root + Path.DirectorySeparatorChar + "*";
        string pre = azurite.ContainerUrl(container, "pre");

        // False: what exists is kept; the missing one is copied.
        var keep = new RecordingHost();
        new CopyCommand(keep).Run(Upload(contents, pre, overwrite: OverwriteMode.False) with { IncludeSkipped = true });
        Assert.Equal(
            [("a.txt", TransferStatus.Skipped, "exists"), ("b.txt", TransferStatus.Skipped, "exists"), ("c.txt", TransferStatus.Success, "missing")],
            keep.Results.Select(r => (r.Path, r.Status, r.Reason)).OrderBy(r => r.Path, StringComparer.Ordinal));
        Assert.Equal(old["pre/a.txt"], Blobs(container)["pre/a.txt"]);

        // IfSourceNewer: a is older than its blob, b newer; c is exactly as copied.
        File.SetLastWriteTimeUtc(tree.FullPath("a.txt"), DateTime.UtcNow.AddDays(-1));
        File.SetLastWriteTimeUtc(tree.FullPath("b.txt"), DateTime.UtcNow.AddDays(1));
        var newer = new RecordingHost();
        new CopyCommand(newer).Run(Upload(contents, pre, overwrite: OverwriteMode.IfSourceNewer) with { IncludeSkipped = true });
        Assert.Equal(
            [("a.txt", "notNewer"), ("b.txt", "newerThanDestination"), ("c.txt", "notNewer")],
            newer.Results.Select(r => (r.Path, r.Reason)).OrderBy(r => r.Path, StringComparer.Ordinal));
        var afterNewer = Blobs(container);
        Assert.Equal((old["pre/a.txt"], tree.Md5ByRelativePath["b.txt"]), (afterNewer["pre/a.txt"], afterNewer["pre/b.txt"]));

        // Prompt: each existing blob is put to the host, which approves a and c and declines b; d is new and not asked about.
        tree.Write("a.txt", "prompted a");
        tree.Write("b.txt", "prompted b");
        tree.Write("d.txt", "new d");
        var prompt = new RecordingHost { Decide = (target, action) => action != "Overwrite blob" || target != "pre/b.txt" };
        JobSummary summary = new CopyCommand(prompt).Run(Upload(contents, pre, overwrite: OverwriteMode.Prompt))!;

        Assert.Equal(
            [("pre/a.txt", "Overwrite blob"), ("pre/b.txt", "Overwrite blob"), ("pre/c.txt", "Overwrite blob")],
            prompt.ShouldProcessCalls.Skip(1).Order());
        Assert.StartsWith("Copy the files in", prompt.ShouldProcessCalls[0].Action);
        Assert.Equal(
            [("a.txt", "overwrite"), ("c.txt", "overwrite"), ("d.txt", "missing")],
            prompt.Results.Select(r => (r.Path, r.Reason)).OrderBy(r => r.Path, StringComparer.Ordinal));
        Assert.Contains("'b.txt' was not copied: overwriting it was declined.", prompt.Verbose);
        Assert.Equal((3L, 1L), (summary.FilesTransferred, summary.FilesSkipped));
        var final = Blobs(container);
        Assert.Equal(tree.Md5ByRelativePath["a.txt"], final["pre/a.txt"]);
        Assert.Equal(afterNewer["pre/b.txt"], final["pre/b.txt"]); // declined: as it was
        Assert.Equal(tree.Md5ByRelativePath["d.txt"], final["pre/d.txt"]);

        // Under -WhatIf nothing is asked: the would-be overwrites are reported.
        var whatIf = new RecordingHost { IsWhatIf = true };
        new CopyCommand(whatIf).Run(Upload(contents, pre, overwrite: OverwriteMode.Prompt));
        Assert.Empty(whatIf.ShouldProcessCalls);
        Assert.All(whatIf.Results, r => Assert.Equal((TransferStatus.WhatIf, "overwrite"), (r.Status, r.Reason)));
        Assert.Equal(final, Blobs(container));
    }

    [Fact]
    public void A_download_copies_one_blob_or_a_prefixs_contents_and_asks_before_overwriting_a_local_file()
    {
        string container = azurite.NewContainer("copy-down");
        var blobs = Seed.Blobs(azurite.Oracle, container,
            ("exports/one.csv", "1"), ("exports/two.csv", "22"), ("exports/sub/three.csv", "333"), ("other.txt", "elsewhere"));
        string root = tree.Root;
        var host = new RecordingHost();
        var command = new CopyCommand(host);
        string Local(string relative) => Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));

        // One blob: into an existing folder it keeps its name; to a file path it is renamed; a trailing separator makes a folder.
        Directory.CreateDirectory(Local("single"));
        command.Run(Download(azurite.ContainerUrl(container, "exports/one.csv"), Local("single")));
        command.Run(Download(azurite.ContainerUrl(container, "exports/one.csv"), Local("single/renamed.csv")));
        command.Run(Download(azurite.ContainerUrl(container, "exports/two.csv"), Local("new folder") + Path.DirectorySeparatorChar));
        // A prefix's contents: the top level only, then everything with Recursive; a prefix itself lands under its name.
        command.Run(Download(azurite.ContainerUrl(container, "exports") + "/*", Local("top")));
        command.Run(Download(azurite.ContainerUrl(container, "exports") + "/*", Local("all"), recursive: true));
        command.Run(Download(azurite.ContainerUrl(container, "exports"), Local("named"), recursive: true));

        Assert.Empty(host.Errors);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["single/one.csv"] = blobs["exports/one.csv"],
                ["single/renamed.csv"] = blobs["exports/one.csv"],
                ["new folder/two.csv"] = blobs["exports/two.csv"],
                ["top/one.csv"] = blobs["exports/one.csv"],
                ["top/two.csv"] = blobs["exports/two.csv"],
                ["all/one.csv"] = blobs["exports/one.csv"],
                ["all/two.csv"] = blobs["exports/two.csv"],
                ["all/sub/three.csv"] = blobs["exports/sub/three.csv"],
                ["named/exports/one.csv"] = blobs["exports/one.csv"],
                ["named/exports/two.csv"] = blobs["exports/two.csv"],
                ["named/exports/sub/three.csv"] = blobs["exports/sub/three.csv"],
            },
            Seed.LocalFiles(root));

        // A prefix without Recursive: the engine refuses it, naming -Recursive (only a listing tells it from one blob).
        var error = Assert.Throws<JobFailedException>(() => command.Run(Download(azurite.ContainerUrl(container, "exports"), Local("refused"))));
        Assert.Equal(ErrorIds.InvalidSpec, error.ErrorId);
        Assert.Contains("-Recursive", error.Message);
        Assert.False(Directory.Exists(Local("refused")));

        // Prompt: the local file is named in full; declined keeps it, approved replaces it.
        File.WriteAllText(Local("top/one.csv"), "edited locally");
        File.WriteAllText(Local("top/two.csv"), "edited locally too");
        var prompt = new RecordingHost { Decide = (target, action) => action != "Overwrite file" || target == Local("top/two.csv") };
        new CopyCommand(prompt).Run(Download(azurite.ContainerUrl(container, "exports") + "/*", Local("top"), overwrite: OverwriteMode.Prompt));
        Assert.Equal([(Local("top/one.csv"), "Overwrite file"), (Local("top/two.csv"), "Overwrite file")], prompt.ShouldProcessCalls.Skip(1).Order());
        Assert.Equal("edited locally", File.ReadAllText(Local("top/one.csv")));
        Assert.Equal(blobs["exports/two.csv"], Seed.LocalFiles(Local("top"))["two.csv"]);
        Assert.Equal([("two.csv", TransferAction.Download, "overwrite")], prompt.Results.Select(r => (r.Path, r.Action, r.Reason)));

        // One blob with a prompt names the renamed file itself.
        var renamed = new RecordingHost { Decide = (_, action) => action != "Overwrite file" };
        new CopyCommand(renamed).Run(Download(azurite.ContainerUrl(container, "exports/one.csv"), Local("single/renamed.csv"), overwrite: OverwriteMode.Prompt));
        Assert.Equal((Local("single/renamed.csv"), "Overwrite file"), renamed.ShouldProcessCalls[1]);
        Assert.Equal(["exports/one.csv", "exports/sub/three.csv", "exports/two.csv", "other.txt"], azurite.Oracle.Names(container).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_malformed_source_url_is_InvalidSource_from_the_module_and_from_the_engine()
    {
        var error = Assert.ThrowsAny<AzBlobSyncException>(() => new CopyCommand(new RecordingHost()).Run(Download("https//acct.blob.core.windows.net/c/*?sig=SECRETSIG", tree.Root)));
        Assert.Equal(ErrorIds.InvalidSource, error.ErrorId);
        Assert.DoesNotContain("SECRETSIG", error.Message);

        string spec = System.Text.Json.JsonSerializer.Serialize(new { operation = "copy", source = "http//127.0.0.1:1/a/ccc/*?sig=SECRETSIG", destination = tree.Root });
        using var job = Engine.SyncJob.StartRaw(System.Text.Encoding.UTF8.GetBytes(spec));
        JobSummary summary = BadInputTests.DrainToSummary(job, out _);
        Assert.Equal(ErrorIds.InvalidSource, summary.ErrorId);
        Assert.DoesNotContain("SECRETSIG", summary.Error);
    }
}
