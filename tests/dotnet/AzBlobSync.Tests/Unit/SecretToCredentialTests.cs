using System.Collections;
using System.Runtime.InteropServices;
using System.Security;
using AzBlobSync.Errors;
using AzBlobSync.SignIn;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Unit;

/// <summary>Every shape SecretManagement's Get-Secret can hand back, turned into a service-principal sign-in (or refused with its id).</summary>
public sealed class SecretToCredentialTests
{
    private const string App = "4d6c2a10-2222-4b3c-8d4e-abcdefabcdef";
    private const string Tenant = "8f0b3c4e-1111-4a2b-9c3d-0123456789ab";
    private const string Secret = "Spn~Secret.never-shown";

    private static string Reveal(SecureString? secure)
    {
        Assert.NotNull(secure);
        nint p = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(p, secure.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(p);
        }
    }

    private static void AssertServicePrincipal(SignInCredential made, string tenant = Tenant)
    {
        Assert.Equal(SignInKind.ServicePrincipal, made.Kind);
        Assert.Equal(App, made.ClientId);
        Assert.Equal(tenant, made.TenantId);
        Assert.Equal(Secret, Reveal(made.ClientSecret));
        Assert.DoesNotContain(Secret, made.ToString());
    }

    [Fact]
    public void The_recipes_hashtable_with_SecureString_values_as_Get_Secret_returns_it()
    {
        var table = new Hashtable { ["ServicePrincipalId"] = Secrets.ToSecureString(App), ["ServicePrincipalSecret"] = Secrets.ToSecureString(Secret) };
        AssertServicePrincipal(SecretToCredential.FromSecret(table, Tenant, "StorageSPN"));
    }

    [Fact]
    public void A_plain_text_hashtable_with_the_other_key_names_and_its_own_tenant()
    {
        var table = new Hashtable { ["applicationid"] = App, ["ClientSecret"] = Secret, ["TenantId"] = Tenant };
        AssertServicePrincipal(SecretToCredential.FromSecret(table, tenantId: null, "s"));
        var withClientId = new Hashtable { ["ClientId"] = App, ["ClientSecret"] = Secret, ["TenantId"] = "other" };
        AssertServicePrincipal(SecretToCredential.FromSecret(withClientId, Tenant, "s")); // -TenantId wins
    }

    [Fact]
    public void Json_as_a_string_or_a_SecureString()
    {
        string json = $$"""{"ServicePrincipalId":"{{App}}","ServicePrincipalSecret":"{{Secret}}","TenantId":"{{Tenant}}"}""";
        AssertServicePrincipal(SecretToCredential.FromSecret(json, null, "s"));
        AssertServicePrincipal(SecretToCredential.FromSecret(Secrets.ToSecureString(json), null, "s"));
    }

    [Fact]
    public void A_credential_is_application_id_and_secret()
    {
        AssertServicePrincipal(SecretToCredential.FromCredential(App, Secrets.ToSecureString(Secret), Tenant));
    }

    [Fact]
    public void A_missing_tenant_says_to_add_TenantId()
    {
        var table = new Hashtable { ["ServicePrincipalId"] = App, ["ServicePrincipalSecret"] = Secret };
        var e = Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(table, null, "StorageSPN"));
        Assert.Equal(ErrorIds.MissingTenant, e.ErrorId);
        Assert.Contains("-TenantId", e.Message);
        var c = Assert.Throws<SecretShapeException>(() => SecretToCredential.FromCredential(App, Secrets.ToSecureString(Secret), " "));
        Assert.Equal(ErrorIds.MissingTenant, c.ErrorId);
    }

    [Theory]
    [InlineData("not json at all Spn~Secret.never-shown")]
    [InlineData("[1,2]")]
    [InlineData("{\"User\":\"x\"}")]
    public void Wrong_shapes_name_the_expected_hashtable_and_never_echo_the_secret(string text)
    {
        var e = Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(text, Tenant, "StorageSPN"));
        Assert.Equal(ErrorIds.SecretWrongShape, e.ErrorId);
        Assert.Contains("ServicePrincipalId", e.Message);
        Assert.DoesNotContain(Secret, e.Message);
        var table = new Hashtable { ["ServicePrincipalId"] = App };
        Assert.Equal(ErrorIds.SecretWrongShape, Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(table, Tenant, "s")).ErrorId);
        Assert.Equal(ErrorIds.SecretWrongShape, Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(42, Tenant, "s")).ErrorId);
        Assert.Equal(ErrorIds.SecretWrongShape, Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(null, Tenant, "s")).ErrorId);
    }

    [Fact]
    public void A_hashtable_with_a_certificate_and_its_password_becomes_a_certificate_sign_in()
    {
        byte[] pfx = { 0x30, 0x82, 0x01, 0x02, 0xAA };
        var password = new SecureString();
        foreach (char c in "Pfx-Password-never-shown")
        {
            password.AppendChar(c);
        }
        var table = new Hashtable { ["ApplicationId"] = App, ["Certificate"] = pfx, ["CertificatePassword"] = password };
        using SignInCredential made = SecretToCredential.FromSecret(table, Tenant, "cert");
        Assert.Equal(SignInKind.ServicePrincipalCertificate, made.Kind);
        Assert.Equal((App, Tenant), (made.ClientId, made.TenantId));
        Assert.Equal(pfx, made.CertificateBytes);
        Assert.NotSame(pfx, made.CertificateBytes);
        Assert.Equal("Pfx-Password-never-shown", Reveal(made.CertificatePassword));
        Assert.DoesNotContain("Pfx-Password", made.ToString());
        Assert.DoesNotContain(Convert.ToBase64String(pfx), made.ToString());

        // Base64 text (what a JSON secret or -AsPlainText holds) and a path work too; the tenant may live in the secret.
        var base64 = new Hashtable { ["ServicePrincipalId"] = App, ["CertificateBase64"] = Convert.ToBase64String(pfx), ["TenantId"] = "other-tenant" };
        using SignInCredential fromText = SecretToCredential.FromSecret(base64, null, "cert");
        Assert.Equal(pfx, fromText.CertificateBytes);
        Assert.Equal("other-tenant", fromText.TenantId);
        Assert.Null(fromText.CertificatePassword);
        using SignInCredential fromPath = SecretToCredential.FromSecret(new Hashtable { ["ClientId"] = App, ["CertificatePath"] = "/etc/app.pem" }, Tenant, "cert");
        Assert.Equal("/etc/app.pem", fromPath.CertificatePath);
        Assert.Null(fromPath.CertificateBytes);
    }

    [Fact]
    public void A_certificate_alone_or_unreadable_says_which_hashtable_to_store()
    {
        var alone = Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(new byte[] { 0x30, 0x82 }, Tenant, "pfx"));
        Assert.Equal(ErrorIds.SecretWrongShape, alone.ErrorId);
        Assert.Contains("ServicePrincipalId", alone.Message);
        var garbled = new Hashtable { ["ApplicationId"] = App, ["Certificate"] = "not base64 !!" };
        Assert.Equal(ErrorIds.SecretWrongShape, Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(garbled, Tenant, "cert")).ErrorId);
        var noTenant = new Hashtable { ["ApplicationId"] = App, ["CertificatePath"] = "/c.pfx" };
        Assert.Equal(ErrorIds.MissingTenant, Assert.Throws<SecretShapeException>(() => SecretToCredential.FromSecret(noTenant, null, "cert")).ErrorId);
    }
}
