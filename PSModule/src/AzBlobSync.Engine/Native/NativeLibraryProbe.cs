using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace AzBlobSync.Native;

/// <summary>
/// Which files to try, in order, when loading the native engine. Pure: it only builds strings, so
/// it is tested for every OS (Windows paths included) on any OS.
/// </summary>
internal static class NativeLibraryProbe
{
    /// <summary>The engine's file name on <paramref name="os"/> (cdylib naming).</summary>
    public static string FileName(NativeOperatingSystem os) => os switch
    {
        NativeOperatingSystem.Windows => "azblobsync.dll",
        NativeOperatingSystem.MacOS => "libazblobsync.dylib",
        _ => "libazblobsync.so",
    };

    /// <summary>NuGet-style runtime identifier, e.g. <c>linux-x64</c>, <c>win-x64</c>, <c>osx-arm64</c>.</summary>
    public static string RuntimeIdentifier(NativeOperatingSystem os, Architecture architecture)
    {
        string osPart = os switch
        {
            NativeOperatingSystem.Windows => "win",
            NativeOperatingSystem.MacOS => "osx",
            _ => "linux",
        };
        string archPart = architecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            _ => architecture.ToString().ToLowerInvariant(),
        };
        return $"{osPart}-{archPart}";
    }

    /// <summary>
    /// Candidate files in probing order: <c>runtimes/&lt;rid&gt;/native/</c> beside the assembly, then
    /// beside the assembly, then the file named by <see cref="NativeAbi.NativePathEnvironmentVariable"/>.
    /// </summary>
    /// <param name="assemblyDirectory">Folder holding the engine assembly; null or empty when unknown.</param>
    /// <param name="overridePath">Value of the override variable; null or blank when unset.</param>
    public static IReadOnlyList<string> CandidatePaths(
        string? assemblyDirectory,
        NativeOperatingSystem os,
        Architecture architecture,
        string? overridePath)
    {
        var candidates = new List<string>(3);
        string fileName = FileName(os);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            candidates.Add(Join(os, assemblyDirectory, "runtimes", RuntimeIdentifier(os, architecture), "native", fileName));
            candidates.Add(Join(os, assemblyDirectory, fileName));
        }
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            candidates.Add(overridePath.Trim());
        }
        return candidates;
    }

    /// <summary>Joins with the separator of the target OS, not the one this process runs on.</summary>
    private static string Join(NativeOperatingSystem os, string directory, params string[] parts)
    {
        char separator = os == NativeOperatingSystem.Windows ? '\\' : '/';
        // Windows accepts both separators, so show one; elsewhere '\' is a file-name character and stays.
        string trimmed = os == NativeOperatingSystem.Windows ? directory.Replace('/', '\\').TrimEnd('\\') : directory.TrimEnd('/');
        // A root ("/" or "C:\") trims to "" or "C:", so adding the separator back keeps it a root.
        return trimmed + separator + string.Join(separator, parts);
    }
}
