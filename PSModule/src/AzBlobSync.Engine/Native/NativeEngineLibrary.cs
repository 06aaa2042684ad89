using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using AzBlobSync.Errors;

namespace AzBlobSync.Native;

/// <summary>
/// Loads the native engine once per process and answers the generated <c>[LibraryImport]</c>
/// declarations with it. Call <see cref="EnsureLoaded"/> before any <see cref="Interop"/> function:
/// errors then surface as clear exceptions instead of a bare DllNotFoundException at a call site.
/// </summary>
internal static class NativeEngineLibrary
{
    private static readonly object Gate = new();
    private static bool resolverRegistered;
    private static IntPtr libraryHandle;
    private static string? loadedFrom;

    /// <summary>Where the engine was loaded from, once it is.</summary>
    public static string? LoadedFrom
    {
        get
        {
            lock (Gate)
            {
                return loadedFrom;
            }
        }
    }

    /// <summary>Loads and version-checks the engine if not done yet. Thread-safe; a failure is not cached, so a fixed path works on the next call.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            RegisterResolverOnce();
            if (libraryHandle != IntPtr.Zero)
            {
                return;
            }
            NativeOperatingSystem os = NativeOperatingSystemDetection.Current();
            var candidates = NativeLibraryProbe.CandidatePaths(
                AssemblyDirectory(),
                os,
                RuntimeInformation.ProcessArchitecture,
                Environment.GetEnvironmentVariable(NativeAbi.NativePathEnvironmentVariable));
            (IntPtr handle, string path) = NativeLibraryCandidateLoader.LoadFirst(
                candidates, NativeLibraryCandidateLoader.TryLoadFromDisk, NativeLibraryProbe.FileName(os));
            try
            {
                NativeAbiCheck.EnsureSupported(ReadAbiVersion(handle, path), path);
            }
            catch
            {
                NativeLibrary.Free(handle);
                throw;
            }
            libraryHandle = handle;
            loadedFrom = path;
        }
    }

    private static void RegisterResolverOnce()
    {
        // SetDllImportResolver throws if called twice for one assembly: the flag (under Gate) guards it.
        if (resolverRegistered)
        {
            return;
        }
        NativeLibrary.SetDllImportResolver(typeof(NativeEngineLibrary).Assembly, Resolve);
        resolverRegistered = true;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, NativeAbi.LibraryName, StringComparison.Ordinal))
        {
            return IntPtr.Zero; // not ours: let the runtime probe as usual
        }
        EnsureLoaded();
        lock (Gate)
        {
            return libraryHandle;
        }
    }

    /// <summary>Read through the export directly: calling <see cref="Interop"/> here would re-enter the resolver.</summary>
    private static unsafe uint ReadAbiVersion(IntPtr handle, string path)
    {
        if (!NativeLibrary.TryGetExport(handle, NativeAbi.AbiVersionExport, out IntPtr export))
        {
            throw new NativeEngineUnavailableException(
                ErrorIds.NativeAbiMismatch,
                $"'{path}' loaded but has no '{NativeAbi.AbiVersionExport}' export; it is not the AzBlobSync engine. Reinstall the module.",
                new[] { path });
        }
        return ((delegate* unmanaged[Cdecl]<uint>)export)();
    }

    private static string? AssemblyDirectory()
    {
        string location = typeof(NativeEngineLibrary).Assembly.Location;
        // Location is empty for single-file or in-memory loads; the app's base directory is the next best guess.
        return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location);
    }
}
