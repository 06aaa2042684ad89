using System;
using System.Security;

namespace AzBlobSync.SignIn;

/// <summary>Which Entra ID identity a job signs in as (the engine's <c>signIn.kind</c>).</summary>
public enum SignInKind
{
    ServicePrincipal,
    ServicePrincipalCertificate,
    ManagedIdentity,
    WorkloadIdentity,
    AzureCli,
}

/// <summary>
/// An Entra ID identity handed to the engine in the job spec. The secret stays a
/// <see cref="SecureString"/> until it is written into the spec's wiped buffer; <see cref="ToString"/>
/// never shows it. Build one with the static factories.
/// </summary>
public sealed class SignInCredential : IDisposable
{
    private SignInCredential(SignInKind kind)
    {
        Kind = kind;
    }

    public SignInKind Kind { get; }

    public string? TenantId { get; private init; }

    /// <summary>Application (client) id; for a managed identity, a user-assigned identity's client id.</summary>
    public string? ClientId { get; private init; }

    public SecureString? ClientSecret { get; private init; }

    public string? ObjectId { get; private init; }

    public string? ResourceId { get; private init; }

    public string? TokenFilePath { get; private init; }

    /// <summary>A certificate sign-in's .pfx/.pem file (the engine reads it).</summary>
    public string? CertificatePath { get; private init; }

    /// <summary>A certificate sign-in's bundle itself (a vault's PFX or PEM bytes); wiped on <see cref="Dispose"/>.</summary>
    public byte[]? CertificateBytes { get; private init; }

    public SecureString? CertificatePassword { get; private init; }

    public static SignInCredential ServicePrincipal(string tenantId, string clientId, SecureString clientSecret) =>
        new(SignInKind.ServicePrincipal) { TenantId = tenantId, ClientId = clientId, ClientSecret = clientSecret };

    /// <summary>A service principal with a certificate: a file path, or the bundle's bytes (this object then owns them).</summary>
    public static SignInCredential ServicePrincipalCertificate(string tenantId, string clientId, string? certificatePath, byte[]? certificateBytes, SecureString? password) =>
        new(SignInKind.ServicePrincipalCertificate)
        {
            TenantId = tenantId,
            ClientId = clientId,
            CertificatePath = certificatePath,
            CertificateBytes = certificateBytes,
            CertificatePassword = password,
        };

    public static SignInCredential ManagedIdentity(string? clientId = null, string? objectId = null, string? resourceId = null) =>
        new(SignInKind.ManagedIdentity) { ClientId = clientId, ObjectId = objectId, ResourceId = resourceId };

    public static SignInCredential WorkloadIdentity(string tenantId, string clientId, string tokenFilePath) =>
        new(SignInKind.WorkloadIdentity) { TenantId = tenantId, ClientId = clientId, TokenFilePath = tokenFilePath };

    public static SignInCredential AzureCli(string? tenantId = null) => new(SignInKind.AzureCli) { TenantId = tenantId };

    public void Dispose()
    {
        ClientSecret?.Dispose();
        CertificatePassword?.Dispose();
        if (CertificateBytes is not null)
        {
            Array.Clear(CertificateBytes);
        }
    }

    public override string ToString() =>
        $"{Kind}(TenantId={TenantId ?? "-"}, ClientId={ClientId ?? "-"}{(ClientSecret is null ? string.Empty : ", ClientSecret=<redacted>")}"
        + $"{(CertificatePath is null ? string.Empty : $", CertificatePath={CertificatePath}")}{(CertificateBytes is null ? string.Empty : ", Certificate=<redacted>")}"
        + $"{(CertificatePassword is null ? string.Empty : ", CertificatePassword=<redacted>")})";
}
