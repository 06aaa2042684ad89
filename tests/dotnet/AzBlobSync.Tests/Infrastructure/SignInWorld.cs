using System.Diagnostics;
using System.Text.Json;

namespace AzBlobSync.Tests.Infrastructure;

/// <summary>
/// The tests' own Entra ID (<c>azbs-fake-identity</c> from the release build, with its throwaway CA)
/// and an Azurite serving HTTPS under that CA with bearer-token sign-in (<c>--oauth basic</c>).
/// </summary>
public sealed class SignInWorld : IDisposable
{
    public const string Tenant = "8f0b3c4e-1111-4a2b-9c3d-0123456789ab";
    public const string App = "4d6c2a10-2222-4b3c-8d4e-abcdefabcdef";
    public const string Secret = "DotNet~Spn.Secret-never-shown";

    private readonly Process identity;

    public SignInWorld()
    {
        string fake = RepoRoot.Combine("target", "release", "azbs-fake-identity");
        if (!File.Exists(fake))
        {
            throw new InvalidOperationException($"{fake} is missing; run the build (cargo build --release --workspace --bins).");
        }
        var start = new ProcessStartInfo(fake) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "--tenant-id", Tenant, "--client-id", App, "--client-secret", Secret })
        {
            start.ArgumentList.Add(a);
        }
        identity = Process.Start(start) ?? throw new InvalidOperationException("azbs-fake-identity did not start.");
        using JsonDocument info = JsonDocument.Parse(identity.StandardOutput.ReadLine() ?? throw new InvalidOperationException("azbs-fake-identity printed nothing."));
        AuthorityHost = info.RootElement.GetProperty("authorityHost").GetString()!;
        CaPem = info.RootElement.GetProperty("caPem").GetString()!;
        string cert = info.RootElement.GetProperty("certPem").GetString()!;
        string key = info.RootElement.GetProperty("keyPem").GetString()!;
        Azurite = new AzuriteFixture(["--oauth", "basic", "--cert", cert, "--key", key], CaPem);
    }

    public string AuthorityHost { get; }

    public string CaPem { get; }

    public AzuriteFixture Azurite { get; }

    public void Dispose()
    {
        Azurite.Dispose();
        identity.StandardInput.Close();
        if (!identity.WaitForExit(10_000))
        {
            identity.Kill();
        }
        identity.Dispose();
    }
}
