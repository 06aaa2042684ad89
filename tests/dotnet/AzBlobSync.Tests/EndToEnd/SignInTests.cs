using AzBlobSync.Commands;
using AzBlobSync.Errors;
using AzBlobSync.SignIn;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.EndToEnd;

/// <summary>
/// A service principal through the .NET layer and the real engine to Azurite over HTTPS with bearer
/// tokens: the secret travels from a SecureString through memory only, and the token endpoint refuses
/// a wrong one, so a pass proves it really arrived. The oracle reads back with the account key.
/// </summary>
public sealed class SignInTests(SignInWorld world) : IClassFixture<SignInWorld>, IDisposable
{
    private readonly TestTree tree = new();

    public void Dispose() => tree.Dispose();

    private SyncOptions Options(string container, SignInCredential signIn) => new()
    {
        Source = tree.Root,
        Destination = world.Azurite.ContainerUrl(container, "spn"),
        SignIn = signIn,
        CaCertificatePath = world.CaPem,
        AuthorityHost = world.AuthorityHost,
    };

    [Fact]
    public void A_service_principal_from_a_vault_hashtable_uploads_every_byte()
    {
        tree.Write("a.txt", "alpha");
        tree.Write("sub/b.bin", new string('b', 300_000));
        string container = world.Azurite.NewContainer("signin");
        var table = new System.Collections.Hashtable
        {
            ["ServicePrincipalId"] = Secrets.ToSecureString(SignInWorld.App),
            ["ServicePrincipalSecret"] = Secrets.ToSecureString(SignInWorld.Secret),
        };
        using SignInCredential signIn = SecretToCredential.FromSecret(table, SignInWorld.Tenant, "StorageSPN");
        var host = new RecordingHost();
        JobSummary summary = new SyncCommand(host).Run(Options(container, signIn))!;

        Assert.Empty(host.Errors);
        Assert.Equal(JobStatus.Completed, summary.Status);
        var blobs = world.Azurite.Oracle.Inventory(container);
        Assert.Equal(["spn/a.txt", "spn/sub/b.bin"], blobs.Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.All(blobs, b => Assert.Equal(tree.Md5ByRelativePath[b.Name["spn/".Length..]], b.Md5OfContent));
    }

    [Fact]
    public void A_wrong_secret_is_SignInFailed_with_the_services_reason_and_never_the_secret()
    {
        tree.Write("a.txt", "alpha");
        string container = world.Azurite.NewContainer("wrong");
        const string wrong = "DotNet~Wrong.Secret-never-shown";
        using SignInCredential signIn = SignInCredential.ServicePrincipal(SignInWorld.Tenant, SignInWorld.App, Secrets.ToSecureString(wrong));
        var host = new RecordingHost();
        var failure = Assert.ThrowsAny<AzBlobSyncException>(() => new SyncCommand(host).Run(Options(container, signIn)));
        Assert.Equal(ErrorIds.FromEngine("SignInFailed"), failure.ErrorId);
        Assert.Contains("AADSTS7000215", failure.Message);
        Assert.DoesNotContain(wrong, failure.ToString());
        Assert.Empty(world.Azurite.Oracle.Names(container));
    }
}
