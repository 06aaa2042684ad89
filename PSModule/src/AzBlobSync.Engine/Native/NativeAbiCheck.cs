using AzBlobSync.Errors;

namespace AzBlobSync.Native;

/// <summary>Refuses an engine whose ABI version this host was not written for.</summary>
internal static class NativeAbiCheck
{
    public static void EnsureSupported(uint reportedVersion, string path)
    {
        if (reportedVersion != NativeAbi.SupportedAbiVersion)
        {
            throw new NativeEngineUnavailableException(
                ErrorIds.NativeAbiMismatch,
                $"The native engine at '{path}' speaks ABI version {reportedVersion}, but this module needs version {NativeAbi.SupportedAbiVersion}. "
                + "The module's files are from different builds; reinstall the module.",
                new[] { path });
        }
    }
}
