using System.Management.Automation;
using System.Security;
using AzBlobSync.SignIn;

namespace AzBlobSync.PowerShell;

/// <summary>
/// <para type="synopsis">Makes a sign-in for -Credential of Sync-AzBlob, Copy-AzBlob and Test-AzBlobSync.</para>
/// <para type="description">Every way AzCopy signs in besides a key or a SAS: a service principal with a secret or a certificate, the
/// machine's managed identity (system-assigned, or user-assigned by client id, object id or resource id), a workload
/// identity (federated token file), or the account the Azure CLI is signed in with. Nothing is cached: each command
/// signs in again, so it works the same under SYSTEM, a gMSA or Task Scheduler.</para>
/// </summary>
/// <example>
/// <para type="title">Sync with the machine's user-assigned managed identity</para>
/// <code>$mi = New-AzBlobCredential -ManagedIdentity -ClientId 00000000-0000-0000-0000-000000000000
/// Sync-AzBlob -Path D:\Data -Destination https://acct.blob.core.windows.net/backups -Credential $mi</code>
/// <para>Signs in as the user-assigned identity with that client id (leave -ClientId out for the system-assigned one); the identity needs Storage Blob Data Contributor on the account.</para>
/// </example>
/// <example>
/// <para type="title">A service principal from a credential, for a scheduled task</para>
/// <code>$sp = New-AzBlobCredential -ServicePrincipal (Import-Clixml C:\Jobs\spn.xml) -TenantId contoso.onmicrosoft.com
/// Sync-AzBlob -Path D:\Exports -Destination https://acct.blob.core.windows.net/backups/exports -Credential $sp -PutMd5</code>
/// <para>The PSCredential's user name is the application (client) id and its password the client secret; nothing is cached, so each run signs in again.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "AzBlobCredential", DefaultParameterSetName = ServicePrincipalSet)]
[OutputType(typeof(SignInCredential))]
public sealed class NewAzBlobCredentialCommand : PSCmdlet
{
    private const string ServicePrincipalSet = "ServicePrincipal";
    private const string ManagedIdentitySet = "ManagedIdentity";
    private const string WorkloadIdentitySet = "WorkloadIdentity";
    private const string AzureCliSet = "AzureCli";
    private const string CertificateSet = "Certificate";

    /// <summary>The service principal: user name = application (client) id, password = client secret.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
    [ValidateNotNull]
    public PSCredential? ServicePrincipal { get; set; }

    /// <summary>The directory (tenant) id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
    [Parameter(Mandatory = true, ParameterSetName = WorkloadIdentitySet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = AzureCliSet)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>The machine's or app's managed identity (system-assigned unless -ClientId, -ObjectId or -ResourceId names a user-assigned one).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>A user-assigned identity's client id; for -WorkloadIdentity and -CertificatePath, the application id.</summary>
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(Mandatory = true, ParameterSetName = WorkloadIdentitySet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>A user-assigned identity's object (principal) id.</summary>
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ObjectId { get; set; }

    /// <summary>A user-assigned identity's Azure resource id.</summary>
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceId { get; set; }

    /// <summary>A federated identity (Kubernetes workload identity) whose token is in -TokenFilePath.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WorkloadIdentitySet)]
    public SwitchParameter WorkloadIdentity { get; set; }

    /// <summary>The federated token file (AZURE_FEDERATED_TOKEN_FILE).</summary>
    [Parameter(Mandatory = true, ParameterSetName = WorkloadIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? TokenFilePath { get; set; }

    /// <summary>A service principal's certificate: a .pfx/.p12 file, or a .pem holding the certificate and its private key (RSA).</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>The password of -CertificatePath (of the .pfx, or of the PEM's encrypted key).</summary>
    [Parameter(ParameterSetName = CertificateSet)]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>The account the Azure CLI (az) is signed in with.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AzureCliSet)]
    public SwitchParameter AzureCli { get; set; }

    protected override void ProcessRecord()
    {
        SignInCredential made = ParameterSetName switch
        {
            ManagedIdentitySet => SignInCredential.ManagedIdentity(ClientId, ObjectId, ResourceId),
            WorkloadIdentitySet => SignInCredential.WorkloadIdentity(TenantId!, ClientId!, GetUnresolvedProviderPathFromPSPath(TokenFilePath!)),
            AzureCliSet => SignInCredential.AzureCli(TenantId),
            CertificateSet => SignInCredential.ServicePrincipalCertificate(
                TenantId!, ClientId!, GetUnresolvedProviderPathFromPSPath(CertificatePath!), null, CertificatePassword?.Copy()),
            _ => SecretToCredential.FromCredential(ServicePrincipal!.UserName, ServicePrincipal.Password, TenantId),
        };
        WriteObject(made);
    }
}
