using System.Diagnostics;
using AzBlobSync.Commands;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

[Collection(AzuriteCollection.Name)]
public sealed class CancellationTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    // A cap that catches a job that ignores the cancel, not a speed target: the stop time is written to
    // the test output (typically well under a second) and measured in the benchmarks, never asserted tightly.
    private static readonly TimeSpan PromptStop = TimeSpan.FromSeconds(60);

    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    [Fact]
    public void Cancelling_mid_job_stops_promptly_and_leaves_only_complete_blobs()
    {
        // Big files first in name order (block uploads in flight when the cancel lands), then many small ones.
        for (int i = 0; i < 4; i++)
        {
            tree.WriteRandom($"a-big-{i}.bin", 18L << 20, seed: 100 + i);
        }
        for (int i = 0; i < 3000; i++)
        {
            tree.WriteRandom($"small/{i / 100:00}/{i:0000}.txt", 512, seed: i);
        }
        string container = azurite.NewContainer("cancel");
        using var cts = new CancellationTokenSource();
        Stopwatch? sinceCancel = null;
        var host = new RecordingHost
        {
            OnObject = o =>
            {
                if (o is TransferResult && sinceCancel is null)
                {
                    sinceCancel = Stopwatch.StartNew();
                    cts.Cancel();
                }
            },
        };

        JobSummary summary = new SyncCommand(host).Run(
            new SyncOptions
            {
                Source = tree.Root,
                Destination = azurite.ContainerUrl(container),
                Concurrency = 2,
                PutMd5 = true,
                AccountKey = Secrets.ToSecureString(AzuriteFixture.AccountKey),
            },
            cts.Token)!;
        TimeSpan stoppedAfter = sinceCancel!.Elapsed;
        output.WriteLine($"stopped {stoppedAfter.TotalMilliseconds:0} ms after the cancel; {summary.FilesTransferred} of {tree.Count} files uploaded; results: {string.Join(", ", host.Results.GroupBy(r => r.Status).Select(g => $"{g.Key}={g.Count()}"))}; job ran {summary.Elapsed.TotalSeconds:0.0} s");

        Assert.True(stoppedAfter < PromptStop, $"the job was still running {stoppedAfter} after the cancel (cap {PromptStop})");
        Assert.Equal(JobStatus.Cancelled, summary.Status);
        // Uploads were in flight when the cancel landed, and the engine says so per file.
        Assert.Contains(host.Results, r => r.Status == TransferStatus.Cancelled);
        Assert.True(summary.FilesTransferred < tree.Count, $"all {tree.Count} files went up: nothing was cancelled");
        Assert.Contains(host.Warnings, w => w.Contains("cancelled"));
        Assert.Equal(JobState.Cancelled, host.Progress[^1].State);
        Assert.Single(host.CallingThreads);

        // Nothing half-written is visible: every committed blob is whole and byte-identical.
        var inventory = azurite.Oracle.Inventory(container);
        Assert.All(inventory, blob =>
        {
            Assert.True(tree.Md5ByRelativePath.TryGetValue(blob.Name, out string? md5), $"unexpected blob '{blob.Name}'");
            Assert.True(md5 == blob.Md5OfContent, $"blob '{blob.Name}' is not the whole file");
            Assert.Equal(new FileInfo(tree.FullPath(blob.Name)).Length, blob.Size);
        });
        // Every file reported uploaded really is there.
        var names = inventory.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(host.Results.Where(r => r.Status == TransferStatus.Success), r => Assert.Contains(r.Blob, names));
        Assert.True(inventory.Count < tree.Count);
    }
}
