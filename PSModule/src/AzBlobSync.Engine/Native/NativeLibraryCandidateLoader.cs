using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using AzBlobSync.Errors;

namespace AzBlobSync.Native;

/// <summary>One attempt to load one candidate file: a handle, or why not.</summary>
internal readonly record struct NativeLoadAttempt(IntPtr Handle, string? Failure)
{
    public static NativeLoadAttempt Loaded(IntPtr handle) => new(handle, null);

    public static NativeLoadAttempt Failed(string why) => new(IntPtr.Zero, why);
}

/// <summary>
/// Tries candidates in order and reports every one that failed. The load function is a parameter so
/// the reporting is testable without real files.
/// </summary>
internal static class NativeLibraryCandidateLoader
{
    public static (IntPtr Handle, string Path) LoadFirst(
        IReadOnlyList<string> candidates,
        Func<string, NativeLoadAttempt> tryLoad,
        string fileName)
    {
        var failures = new List<(string Path, string Why)>(candidates.Count);
        foreach (string candidate in candidates)
        {
            NativeLoadAttempt attempt = tryLoad(candidate);
            if (attempt.Handle != IntPtr.Zero)
            {
                return (attempt.Handle, candidate);
            }
            failures.Add((candidate, attempt.Failure ?? "could not be loaded"));
        }
        throw NotFound(fileName, failures);
    }

    /// <summary>The real loader: checks the file exists first so "missing" and "broken" read differently.</summary>
    public static NativeLoadAttempt TryLoadFromDisk(string path)
    {
        if (!File.Exists(path))
        {
            return NativeLoadAttempt.Failed("no such file");
        }
        try
        {
            return NativeLoadAttempt.Loaded(System.Runtime.InteropServices.NativeLibrary.Load(path));
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            // The loader's own text (dlerror/LoadLibrary) tells a wrong architecture from a missing dependency.
            return NativeLoadAttempt.Failed($"exists but failed to load: {e.Message}");
        }
    }

    private static NativeEngineUnavailableException NotFound(string fileName, List<(string Path, string Why)> failures)
    {
        var message = new StringBuilder();
        message.Append("The AzBlobSync native engine (").Append(fileName).Append(") could not be loaded. ");
        if (failures.Count == 0)
        {
            message.Append("No location was known to probe. ");
        }
        else
        {
            message.Append("Paths tried: ");
            for (int i = 0; i < failures.Count; i++)
            {
                message.Append(i == 0 ? string.Empty : "; ").Append('\'').Append(failures[i].Path).Append("' (").Append(failures[i].Why).Append(')');
            }
            message.Append(". ");
        }
        message.Append("Reinstall the module, or set ").Append(NativeAbi.NativePathEnvironmentVariable)
            .Append(" to the full path of ").Append(fileName).Append('.');
        var paths = failures.ConvertAll(f => f.Path);
        return new NativeEngineUnavailableException(ErrorIds.NativeEngineNotFound, message.ToString(), paths);
    }
}
