using System.Text;
using System.Text.Json;
using AzBlobSync.Engine;
using AzBlobSync.Native;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>The job wrapper over the real cdylib: where it was loaded from, polling, buffer growth, freeing once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class NativeJobTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private byte[] Spec(string container, bool dryRun = false) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["operation"] = "sync",
        ["source"] = tree.Root,
        ["destination"] = azurite.ContainerUrl(container),
        ["dryRun"] = dryRun,
        ["accountKey"] = AzuriteFixture.AccountKey,
    });

    [Fact]
    public void The_resolver_loads_the_engine_from_runtimes_rid_native_beside_the_assembly()
    {
        using var job = SyncJob.StartRaw("{}"u8);
        var os = NativeOperatingSystemDetection.Current();
        string expected = Path.Combine(
            Path.GetDirectoryName(typeof(SyncJob).Assembly.Location)!,
            "runtimes",
            NativeLibraryProbe.RuntimeIdentifier(os, System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture),
            "native",
            NativeLibraryProbe.FileName(os));
        Assert.Equal(expected, NativeEngineLibrary.LoadedFrom);
        Assert.Equal(NativeAbi.SupportedAbiVersion, Interop.azbs_abi_version());
    }

    [Fact]
    public void A_buffer_smaller_than_one_event_grows_and_no_event_is_lost()
    {
        for (int i = 0; i < 30; i++)
        {
            tree.Write($"folder with a fairly long name {i}/and a file name that is longer than sixteen bytes {i}.txt", $"content {i}");
        }
        string container = azurite.NewContainer("tiny-buffer");

        using SyncJob job = SyncJob.StartRaw(Spec(container, dryRun: true), initialBufferBytes: 16);
        JobSummary summary = BadInputTests.DrainToSummary(job, out var files);

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.Equal(30, summary.FilesTransferred);
        Assert.Equal(tree.Md5ByRelativePath.Keys.Order(StringComparer.Ordinal), files.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Polling_after_the_summary_keeps_answering_finished()
    {
        tree.Write("one.txt", "1");
        using SyncJob job = SyncJob.StartRaw(Spec(azurite.NewContainer("after-finish"), dryRun: true));
        BadInputTests.DrainToSummary(job, out _);
        EnginePoll again = job.Poll(TimeSpan.FromMilliseconds(10));
        Assert.True(again.IsFinished);
        Assert.Empty(again.Files);
        Assert.Null(again.Summary);
    }

    [Fact]
    public void The_handle_is_freed_exactly_once_and_is_unusable_afterwards()
    {
        tree.Write("one.txt", "1");
        SyncJob job = SyncJob.StartRaw(Spec(azurite.NewContainer("free-once"), dryRun: true));
        var handleField = typeof(SyncJob).GetField("handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        ulong number = ((SafeJobHandle)handleField.GetValue(job)!).JobNumber;

        job.Dispose();
        job.Dispose(); // a second Dispose does not free again
        job.Cancel(); // nor does a late cancel crash

        Assert.Throws<ObjectDisposedException>(() => job.Poll(TimeSpan.Zero));
        // The engine forgot the job: freeing the number again is "unknown job", not a crash.
        Assert.Equal(NativeAbi.ErrUnknownJob, Interop.azbs_job_free(number));
    }

    [Fact]
    public void Disposing_a_job_mid_file_cancels_it_and_leaves_the_blob_invisible()
    {
        // One large file in 1 MiB blocks: disposed once a block is staged but before the commit, so
        // what Azure holds is uncommitted blocks only, and no half-written blob is ever visible.
        tree.WriteRandom("large.bin", 128L << 20, seed: 7);
        string container = azurite.NewContainer("dispose-running");
        var spec = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["operation"] = "sync",
            ["source"] = tree.Root,
            ["destination"] = azurite.ContainerUrl(container),
            ["accountKey"] = AzuriteFixture.AccountKey,
            ["blockSizeBytes"] = 1L << 20,
            ["concurrency"] = 2,
        });
        SyncJob job = SyncJob.StartRaw(spec);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        EnginePoll poll;
        do
        {
            poll = job.Poll(TimeSpan.FromMilliseconds(5));
            Assert.False(poll.IsFinished, "the job ended before any block was seen staged");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(120), "waited 120 s for the first staged block");
        }
        while (poll.Progress.BytesTransferred == 0);
        Assert.Equal(0, poll.Progress.FilesTransferred);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        job.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Dispose waited for the job ({clock.Elapsed})");

        // Requests already on the wire may still land: wait until Azure's view stops changing.
        int uncommitted = WaitForStable(() => azurite.Oracle.UncommittedBlocks(container, "large.bin"));
        Assert.Empty(azurite.Oracle.Names(container));
        Assert.InRange(uncommitted, 1, 127);
    }

    /// <summary>Reads until two reads a second apart agree (at most 30 s), and returns that value.</summary>
    private static int WaitForStable(Func<int> read)
    {
        int previous = read();
        for (int i = 0; i < 30; i++)
        {
            Thread.Sleep(TimeSpan.FromSeconds(1));
            int now = read();
            if (now == previous)
            {
                return now;
            }
            previous = now;
        }
        throw new Xunit.Sdk.XunitException($"Azure's view was still changing after 30 s (last read: {previous})");
    }
}
