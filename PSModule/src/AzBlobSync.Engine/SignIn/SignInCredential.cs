using System;
using System.Security;

namespace AzBlobSync.SignIn;

/// <summary>Which Entra ID identity a job signs in as (the engine's <c>signIn.kind</c>).</summary>
public enum SignInKind
{
    ServicePrincipal,
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

    public static SignInCredential ServicePrincipal(string tenantId, string clientId, SecureString clientSecret) =>
        new(SignInKind.ServicePrincipal) { TenantId = tenantId, ClientId = clientId, ClientSecret = clientSecret };

    public static SignInCredential ManagedIdentity(string? clientId = null, string? objectId = null, string? resourceId = null) =>
        new(SignInKind.ManagedIdentity) { ClientId = clientId, ObjectId = objectId, ResourceId = resourceId };

    public static SignInCredential WorkloadIdentity(string tenantId, string clientId, string tokenFilePath) =>
        new(SignInKind.WorkloadIdentity) { TenantId = tenantId, ClientId = clientId, TokenFilePath = tokenFilePath };

    public static SignInCredential AzureCli(string? tenantId = null) => new(SignInKind.AzureCli) { TenantId = tenantId };

    public void Dispose() => ClientSecret?.Dispose();

    public override string ToString() =>
        $"{Kind}(TenantId={TenantId ?? "-"}, ClientId={ClientId ?? "-"}{(ClientSecret is null ? string.Empty : ", ClientSecret=<redacted>")})";
}
