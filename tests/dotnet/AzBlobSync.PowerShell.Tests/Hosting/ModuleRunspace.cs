using System.Management.Automation;
using System.Management.Automation.Runspaces;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Hosted.Tests.Hosting;

/// <summary>A runspace with the laid-out module (out/AzBlobSync, as the build ships it) imported, on a recording host.</summary>
public sealed class ModuleRunspace : IDisposable
{
    public ModuleRunspace()
    {
        string manifest = Environment.GetEnvironmentVariable("AZBLOBSYNC_MODULE_PATH") is { Length: > 0 } folder
            ? Path.Combine(folder, "AzBlobSync.psd1")
            : RepoRoot.Combine("out", "AzBlobSync", "AzBlobSync.psd1");
        if (!File.Exists(manifest))
        {
            throw new InvalidOperationException($"{manifest} is missing: run ./build.sh build first (it lays the module out).");
        }
        Runspace = RunspaceFactory.CreateRunspace(Host, InitialSessionState.CreateDefault2());
        Runspace.Open();
        using PowerShell import = NewPowerShell();
        import.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", "Stop").Invoke();
    }

    public RecordingHost Host { get; } = new();

    public Runspace Runspace { get; }

    public PowerShell NewPowerShell()
    {
        var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        return ps;
    }

    public void Dispose() => Runspace.Dispose();
}
