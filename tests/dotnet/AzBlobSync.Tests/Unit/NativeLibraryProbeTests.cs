using System.Runtime.InteropServices;
using AzBlobSync.Errors;
using AzBlobSync.Native;

namespace AzBlobSync.Tests.Unit;

public sealed class NativeLibraryProbeTests
{
    [Theory]
    [InlineData("Linux", Architecture.X64, "linux-x64", "libazblobsync.so")]
    [InlineData("Linux", Architecture.Arm64, "linux-arm64", "libazblobsync.so")]
    [InlineData("Windows", Architecture.X64, "win-x64", "azblobsync.dll")]
    [InlineData("Windows", Architecture.Arm64, "win-arm64", "azblobsync.dll")]
    [InlineData("MacOS", Architecture.Arm64, "osx-arm64", "libazblobsync.dylib")]
    [InlineData("MacOS", Architecture.X64, "osx-x64", "libazblobsync.dylib")]
    public void Names_the_runtime_identifier_and_file_per_platform(string osName, Architecture arch, string rid, string file)
    {
        var os = Enum.Parse<NativeOperatingSystem>(osName);
        Assert.Equal(rid, NativeLibraryProbe.RuntimeIdentifier(os, arch));
        Assert.Equal(file, NativeLibraryProbe.FileName(os));
    }

    [Fact]
    public void Linux_probes_runtimes_folder_then_beside_assembly_then_override()
    {
        var paths = NativeLibraryProbe.CandidatePaths("/opt/pwsh/Modules/AzBlobSync/0.1.0/", NativeOperatingSystem.Linux, Architecture.X64, "/custom/libazblobsync.so");
        Assert.Equal(
            [
                "/opt/pwsh/Modules/AzBlobSync/0.1.0/runtimes/linux-x64/native/libazblobsync.so",
                "/opt/pwsh/Modules/AzBlobSync/0.1.0/libazblobsync.so",
                "/custom/libazblobsync.so",
            ],
            paths);
    }

    [Fact]
    public void Windows_paths_use_backslashes_whatever_the_test_machine()
    {
        var paths = NativeLibraryProbe.CandidatePaths(@"C:\Program Files\PowerShell\Modules\AzBlobSync\", NativeOperatingSystem.Windows, Architecture.X64, null);
        Assert.Equal(
            [
                @"C:\Program Files\PowerShell\Modules\AzBlobSync\runtimes\win-x64\native\azblobsync.dll",
                @"C:\Program Files\PowerShell\Modules\AzBlobSync\azblobsync.dll",
            ],
            paths);
    }

    [Fact]
    public void Windows_accepts_forward_slash_trailing_separator_and_drive_root()
    {
        Assert.Equal(@"D:\m\azblobsync.dll", NativeLibraryProbe.CandidatePaths("D:/m/", NativeOperatingSystem.Windows, Architecture.X64, null)[1]);
        Assert.Equal(@"C:\runtimes\win-arm64\native\azblobsync.dll", NativeLibraryProbe.CandidatePaths(@"C:\", NativeOperatingSystem.Windows, Architecture.Arm64, null)[0]);
    }

    [Fact]
    public void Unix_root_stays_a_root()
    {
        Assert.Equal("/libazblobsync.dylib", NativeLibraryProbe.CandidatePaths("/", NativeOperatingSystem.MacOS, Architecture.Arm64, null)[1]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_override_adds_no_candidate(string? overridePath)
    {
        Assert.Equal(2, NativeLibraryProbe.CandidatePaths("/m", NativeOperatingSystem.Linux, Architecture.X64, overridePath).Count);
    }

    [Fact]
    public void Without_an_assembly_folder_only_the_override_is_probed()
    {
        Assert.Equal(["/x/lib.so"], NativeLibraryProbe.CandidatePaths(null, NativeOperatingSystem.Linux, Architecture.X64, " /x/lib.so "));
        Assert.Empty(NativeLibraryProbe.CandidatePaths("", NativeOperatingSystem.Linux, Architecture.X64, null));
    }

    [Fact]
    public void Loader_returns_the_first_candidate_that_loads()
    {
        var tried = new List<string>();
        var (handle, path) = NativeLibraryCandidateLoader.LoadFirst(
            ["/a", "/b", "/c"],
            p =>
            {
                tried.Add(p);
                return p == "/b" ? NativeLoadAttempt.Loaded(new IntPtr(42)) : NativeLoadAttempt.Failed("no such file");
            },
            "libazblobsync.so");
        Assert.Equal((new IntPtr(42), "/b"), (handle, path));
        Assert.Equal(["/a", "/b"], tried);
    }

    [Fact]
    public void Loader_error_lists_every_path_tried_with_its_reason()
    {
        var candidates = NativeLibraryProbe.CandidatePaths(@"C:\mods\AzBlobSync", NativeOperatingSystem.Windows, Architecture.X64, @"E:\elsewhere\azblobsync.dll");
        var error = Assert.Throws<NativeEngineUnavailableException>(() =>
            NativeLibraryCandidateLoader.LoadFirst(candidates, p => NativeLoadAttempt.Failed($"reason-for-{p.Length}"), "azblobsync.dll"));

        Assert.Equal(ErrorIds.NativeEngineNotFound, error.ErrorId);
        Assert.Equal(candidates, error.PathsTried);
        Assert.Equal(3, error.PathsTried.Count);
        foreach (string candidate in candidates)
        {
            Assert.Contains($"'{candidate}' (reason-for-{candidate.Length})", error.Message);
        }
        Assert.Contains("AZBLOBSYNC_NATIVE_PATH", error.Message);
        Assert.Equal(CommandErrorCategory.NotInstalled, error.Category);
    }

    [Fact]
    public void Real_disk_loader_tells_a_missing_file_from_a_file_that_is_not_a_library()
    {
        string dir = Directory.CreateTempSubdirectory("azbs-probe-").FullName;
        try
        {
            string missing = Path.Combine(dir, "libazblobsync.so");
            string bogus = Path.Combine(dir, "bogus.so");
            File.WriteAllText(bogus, "not an ELF file");

            var error = Assert.Throws<NativeEngineUnavailableException>(() =>
                NativeLibraryCandidateLoader.LoadFirst([missing, bogus], NativeLibraryCandidateLoader.TryLoadFromDisk, "libazblobsync.so"));

            Assert.Equal([missing, bogus], error.PathsTried);
            Assert.Contains($"'{missing}' (no such file)", error.Message);
            Assert.Contains($"'{bogus}' (exists but failed to load", error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Abi_check_accepts_version_3_and_refuses_others_clearly()
    {
        NativeAbiCheck.EnsureSupported(3, "/lib.so");
        var error = Assert.Throws<NativeEngineUnavailableException>(() => NativeAbiCheck.EnsureSupported(2, "/lib.so"));
        Assert.Equal(ErrorIds.NativeAbiMismatch, error.ErrorId);
        Assert.Contains("ABI version 2", error.Message);
        Assert.Contains("needs version 3", error.Message);
    }
}
