// Benchmark driver for the .NET layer: one sync through SyncCommand (what Sync-AzBlob calls), or the
// first-call overhead (library load + first job against an empty folder, then a warm job beside it).
//
//   AzBlobSyncBench sync <source> <destination> [--concurrency N]
//       upload when <source> is a folder, download when it is a URL (if this build of the layer has
//       SyncOptions.Direction); prints one JSON line with the summary's counts
//   AzBlobSyncBench first-call <empty-folder> <container-url>
//       prints one JSON line: process start to Main, first job (load + ABI check + JIT + job), warm job
//
// The account key comes from AZCOPY_ACCOUNT_KEY and is handed over as a SecureString, as the module does.
using System;
using System.Diagnostics;
using System.Reflection;
using System.Security;
using System.Text.Json;
using AzBlobSync;
using AzBlobSync.Commands;

internal static class Program
{
    private static int Main(string[] args)
    {
        TimeSpan toMain = DateTime.Now - Process.GetCurrentProcess().StartTime;
        try
        {
            return args.Length >= 3 && args[0] == "sync" ? Sync(args)
                : args.Length == 3 && args[0] == "first-call" ? FirstCall(args[1], args[2], toMain)
                : Usage();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: AzBlobSyncBench sync <source> <destination> [--concurrency N] | first-call <empty-folder> <container-url>");
        return 64;
    }

    private static int Sync(string[] args)
    {
        int? concurrency = null;
        for (int i = 3; i < args.Length; i++)
        {
            if (args[i] == "--concurrency" && i + 1 < args.Length)
            {
                concurrency = int.Parse(args[++i]);
            }
            else
            {
                return Usage();
            }
        }
        bool download = args[1].StartsWith("http://", StringComparison.Ordinal) || args[1].StartsWith("https://", StringComparison.Ordinal);
        var host = new CountingHost();
        var clock = Stopwatch.StartNew();
        JobSummary? summary = Run(host, Options(args[1], args[2], download, concurrency));
        clock.Stop();
        Report(summary, host, clock.Elapsed);
        return summary is { FilesFailed: 0 } && host.Errors == 0 ? 0 : 1;
    }

    private static int FirstCall(string emptyFolder, string containerUrl, TimeSpan toMain)
    {
        var host = new CountingHost();
        var first = Stopwatch.StartNew();
        JobSummary? s1 = Run(host, Options(emptyFolder, containerUrl, false, null));
        first.Stop();
        var warm = Stopwatch.StartNew();
        JobSummary? s2 = Run(host, Options(emptyFolder, containerUrl, false, null));
        warm.Stop();
        bool ok = s1 is { Status: JobStatus.Completed } && s2 is { Status: JobStatus.Completed };
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            ok,
            processToMainMs = toMain.TotalMilliseconds,
            firstJobMs = first.Elapsed.TotalMilliseconds,
            warmJobMs = warm.Elapsed.TotalMilliseconds,
            status = s1?.Status.ToString(),
            error = s1?.Error ?? s2?.Error,
        }));
        return ok ? 0 : 1;
    }

    private static JobSummary? Run(CountingHost host, SyncOptions options)
    {
        using SecureString? key = KeyFromEnvironment();
        return new SyncCommand(host).Run(key is null ? options : options with { AccountKey = key });
    }

    private static SyncOptions Options(string source, string destination, bool download, int? concurrency)
    {
        var options = new SyncOptions { Source = source, Destination = destination, Concurrency = concurrency };
        if (download)
        {
            // Direction is newer than some builds of the layer: set it by name so this driver builds against either.
            PropertyInfo direction = typeof(SyncOptions).GetProperty("Direction")
                ?? throw new NotSupportedException("this build of AzBlobSync.Engine has no SyncOptions.Direction (no downloads)");
            direction.SetValue(options, Enum.Parse(direction.PropertyType, "Download"));
        }
        return options;
    }

    private static SecureString? KeyFromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable("AZCOPY_ACCOUNT_KEY");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var key = new SecureString();
        foreach (char c in value)
        {
            key.AppendChar(c);
        }
        key.MakeReadOnly();
        return key;
    }

    private static void Report(JobSummary? summary, CountingHost host, TimeSpan elapsed) =>
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            status = summary?.Status.ToString() ?? "Declined",
            filesTransferred = summary?.FilesTransferred ?? 0,
            filesSkipped = summary?.FilesSkipped ?? 0,
            filesFailed = summary?.FilesFailed ?? 0,
            bytesTransferred = summary?.BytesTransferred ?? 0,
            results = host.Objects,
            errors = host.Errors,
            firstError = host.FirstError,
            elapsedMs = elapsed.TotalMilliseconds,
        }));

    /// <summary>A host that answers yes, writes nothing per file, and counts what the command emits.</summary>
    private sealed class CountingHost : ICommandHost
    {
        public long Objects { get; private set; }

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public bool IsWhatIf => false;

        public void WriteObject(object value) => Objects++;

        public void WriteProgress(JobProgress progress)
        {
        }

        public void WriteWarning(string message)
        {
        }

        public void WriteVerbose(string message)
        {
        }

        public void WriteError(CommandError error)
        {
            Errors++;
            FirstError ??= error.Message;
        }

        public bool ShouldProcess(string target, string action) => true;
    }
}
