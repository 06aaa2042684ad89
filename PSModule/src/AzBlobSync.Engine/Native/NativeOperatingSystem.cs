using System;
using System.Runtime.InteropServices;

namespace AzBlobSync.Native;

/// <summary>The operating systems the native engine is built for; decides file names and path separators.</summary>
internal enum NativeOperatingSystem
{
    Windows,
    Linux,
    MacOS,
}

internal static class NativeOperatingSystemDetection
{
    public static NativeOperatingSystem Current()
    {
        if (OperatingSystem.IsWindows())
        {
            return NativeOperatingSystem.Windows;
        }
        if (OperatingSystem.IsMacOS())
        {
            return NativeOperatingSystem.MacOS;
        }
        if (OperatingSystem.IsLinux())
        {
            return NativeOperatingSystem.Linux;
        }
        throw new PlatformNotSupportedException(
            $"AzBlobSync's native engine is built for Windows, Linux and macOS, not {RuntimeInformation.OSDescription}.");
    }
}
