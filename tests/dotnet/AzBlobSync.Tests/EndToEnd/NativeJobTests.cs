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
    public void Disposing_a_running_job_cancels_it_without_waiting()
    {
        for (int i = 0; i < 2000; i++)
        {
            tree.Write($"f/{i:0000}.txt", Encoding.UTF8.GetBytes(new string('x', 256)));
        }
        string container = azurite.NewContainer("dispose-running");
        SyncJob job = SyncJob.StartRaw(Spec(container));
        job.Poll(TimeSpan.FromMilliseconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        job.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Dispose took {clock.Elapsed}");

        Thread.Sleep(500); // let abandoned requests settle, then every visible blob must be whole
        var inventory = azurite.Oracle.Inventory(container);
        Assert.True(inventory.Count < 2000, "the job ran to the end despite being freed");
        Assert.All(inventory, b => Assert.Equal(tree.Md5ByRelativePath[b.Name], b.Md5OfContent));
    }
}
