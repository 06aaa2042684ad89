using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

[Collection(AzuriteCollection.Name)]
public sealed class DryRunTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private SyncOptions Options(string container) => new()
    {
        Source = tree.Root,
        Destination = azurite.ContainerUrl(container),
        AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
    };

    [Fact]
    public void WhatIf_reports_every_would_be_upload_and_writes_nothing()
    {
        AwkwardTree.Build(tree, 40);
        string container = azurite.NewContainer("whatif");
        var host = new RecordingHost { IsWhatIf = true };

        JobSummary summary = new SyncCommand(host).Run(Options(container))!;

        Assert.Empty(azurite.Oracle.Names(container));
        Assert.True(summary.DryRun);
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.Equal(40, summary.FilesTransferred);
        Assert.Equal(tree.Md5ByRelativePath.Keys.Sum(p => new FileInfo(tree.FullPath(p)).Length), summary.BytesTransferred);
        Assert.Equal(40, host.Results.Count);
        Assert.All(host.Results, r => Assert.Equal((TransferAction.Upload, TransferStatus.WhatIf, "missing"), (r.Action, r.Status, r.Reason)));
        Assert.Empty(host.ShouldProcessCalls);
    }

    [Fact]
    public void A_dry_run_after_a_real_run_reports_only_the_change_and_leaves_the_old_blob()
    {
        tree.Write("a.txt", "one");
        tree.Write("b/c.txt", "two");
        string container = azurite.NewContainer("whatif-change");
        new SyncCommand(new RecordingHost()).Run(Options(container));
        string before = azurite.Oracle.Inventory(container).Single(b => b.Name == "b/c.txt").Md5OfContent;

        tree.Write("b/c.txt", "two, changed");
        var host = new RecordingHost { IsWhatIf = true };
        JobSummary summary = new SyncCommand(host).Run(Options(container))!;

        var only = Assert.Single(host.Results);
        Assert.Equal(("b/c.txt", TransferStatus.WhatIf, "sizeChanged"), (only.Path, only.Status, only.Reason));
        Assert.Equal((1L, 1L), (summary.FilesTransferred, summary.FilesSkipped));
        Assert.Equal(before, azurite.Oracle.Inventory(container).Single(b => b.Name == "b/c.txt").Md5OfContent);
    }
}
