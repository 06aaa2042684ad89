using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Security;
using System.Threading;
using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.PowerShell;

/// <summary>
/// What every cmdlet that runs an engine job shares, ends aside: the sign-in parameters (-StorageAccountKey,
/// -Vault/-SecretName/-TenantId, -Credential, -CaCertificatePath, -AuthorityHost), -Concurrency, Ctrl+C, and
/// turning the engine layer's errors into error records. <see cref="TransferCmdletBase"/> adds the filters
/// and local paths of a transfer; Resume-AzBlobJob takes only these.
/// </summary>
public abstract class SignInCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private AzBlobSync.SignIn.SignInCredential? signIn;
    private bool signInResolved;
    private bool ownsSignIn;
    private protected int? concurrency;

    /// <summary>Parallel requests (1-512); the engine picks a default from the machine when omitted.</summary>
    [Parameter]
    [ValidateRange(1, SyncOptions.MaxConcurrency)]
    public int Concurrency
    {
        get => concurrency ?? 0;
        set => concurrency = value;
    }

    /// <summary>
    /// Storage account key. Without it, -Vault, -Credential or a SAS, AzCopy's variables decide:
    /// AZCOPY_AUTO_LOGIN_TYPE (SPN, MSI, AZCLI, WORKLOAD) with its companions, then AZCOPY_ACCOUNT_KEY or AZURE_STORAGE_KEY.
    /// </summary>
    [Parameter]
    public SecureString? StorageAccountKey { get; set; }

    /// <summary>
    /// A SecretManagement vault holding the service principal to sign in as (with -SecretName), e.g. SecretStore.
    /// The secret is read with Microsoft.PowerShell.SecretManagement\Get-Secret and never leaves memory.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? Vault { get; set; }

    /// <summary>
    /// The secret in -Vault: a hashtable @{ ServicePrincipalId = ...; ServicePrincipalSecret = ... } (also ApplicationId/ClientId,
    /// ClientSecret, TenantId), a PSCredential (user name = application id), or JSON with those keys.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string? SecretName { get; set; }

    /// <summary>The directory (tenant) id for a service principal from -Vault or -Credential; wins over a TenantId in the secret.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>
    /// A service principal as a PSCredential (user name = application id, password = client secret; needs -TenantId),
    /// or a sign-in from New-AzBlobCredential (managed identity, workload identity, Azure CLI, service principal).
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>A PEM bundle of extra certificate authorities to trust (a TLS-inspecting proxy's), for storage and sign-in; SSL_CERT_FILE is honoured too.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CaCertificatePath { get; set; }

    /// <summary>The sign-in authority of a custom or national cloud, e.g. https://login.microsoftonline.us (default: AZURE_AUTHORITY_HOST, then the public cloud).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AuthorityHost { get; set; }

    /// <summary>
    /// A national cloud to sign in to: AzureCloud (default), AzureUSGovernment or AzureChinaCloud, as Connect-AzAccount names them.
    /// -AuthorityHost wins over it; with it, AZURE_AUTHORITY_HOST is not consulted.
    /// </summary>
    [Parameter]
    public AzureEnvironment Environment { get; set; }

    /// <summary>-Environment when given; null lets -AuthorityHost, AZURE_AUTHORITY_HOST or the public cloud decide.</summary>
    private protected AzureEnvironment? ChosenEnvironment => MyInvocation.BoundParameters.ContainsKey(nameof(Environment)) ? Environment : null;

    // .NET keeps its own copy of the environment on Unix ($env: changes never reach the native engine's
    // getenv), so the process-wide conventions are read here and passed on.

    /// <summary>-CaCertificatePath, else SSL_CERT_FILE.</summary>
    private protected string? ChosenCaBundle =>
        CaCertificatePath is null ? NonEmpty(System.Environment.GetEnvironmentVariable("SSL_CERT_FILE")) : GetUnresolvedProviderPathFromPSPath(CaCertificatePath);

    /// <summary>-AuthorityHost, else (without -Environment) AZURE_AUTHORITY_HOST.</summary>
    private protected string? ChosenAuthorityHost =>
        AuthorityHost ?? (ChosenEnvironment is null ? NonEmpty(System.Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST")) : null);

    /// <summary>Signalled by Ctrl+C (StopProcessing); the engine is asked to stop and polled until its summary.</summary>
    protected CancellationToken StopToken => stopping.Token;

    public void Dispose()
    {
        stopping.Dispose();
        if (ownsSignIn)
        {
            signIn?.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Ctrl+C: ask the engine to stop; ProcessRecord keeps polling until its summary arrives.</summary>
    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>Environment variable naming the job journal's folder (the CLI's too).</summary>
    internal const string JobDirectoryVariable = "AZBLOBSYNC_JOB_DIR";

    /// <summary>
    /// AZBLOBSYNC_JOB_DIR as this process sees it: .NET keeps its own copy of the environment on Unix, so
    /// the engine is told the folder rather than reading the variable itself. Null: the engine's default.
    /// </summary>
    internal static string? JobDirectoryFromEnvironment() => NonEmpty(System.Environment.GetEnvironmentVariable(JobDirectoryVariable));

    private protected static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// The sign-in from -Vault/-SecretName or -Credential, read once per command (a pipeline of many
    /// records signs in with the same secret). Null when neither is given.
    /// </summary>
    private protected AzBlobSync.SignIn.SignInCredential? ResolveSignIn()
    {
        if (signInResolved)
        {
            return signIn;
        }
        bool fromVault = Vault is not null || SecretName is not null;
        if (fromVault && (Vault is null || SecretName is null))
        {
            throw new AzBlobSync.SignIn.SecretShapeException(ErrorIds.InvalidSpec, "-Vault and -SecretName go together: name the vault and the secret in it.");
        }
        if ((fromVault ? 1 : 0) + (Credential is null ? 0 : 1) + (StorageAccountKey is null ? 0 : 1) > 1)
        {
            throw new AzBlobSync.SignIn.SecretShapeException(ErrorIds.InvalidSpec, "Give one way to sign in: -StorageAccountKey, -Vault with -SecretName, or -Credential.");
        }
        signIn = fromVault
            ? VaultSecretReader.Read(Vault!, SecretName!, TenantId)
            : Credential switch
            {
                null => null,
                PSObject wrapped when wrapped.BaseObject is not PSObject => FromCredentialObject(wrapped.BaseObject),
                object given => FromCredentialObject(given),
            };
        signInResolved = true;
        ownsSignIn = signIn is not null && !(Credential is AzBlobSync.SignIn.SignInCredential || (Credential as PSObject)?.BaseObject is AzBlobSync.SignIn.SignInCredential);
        return signIn;
    }

    /// <summary>The vault and secret named by -Vault/-SecretName, for the journal; null without them.</summary>
    private protected AzBlobSync.SignIn.VaultReference? VaultReferenceGiven =>
        Vault is not null && SecretName is not null ? new AzBlobSync.SignIn.VaultReference(Vault, SecretName, TenantId) : null;

    private AzBlobSync.SignIn.SignInCredential FromCredentialObject(object given) => given switch
    {
        PSCredential credential => AzBlobSync.SignIn.SecretToCredential.FromCredential(credential.UserName, credential.Password, TenantId),
        AzBlobSync.SignIn.SignInCredential made => made,
        _ => throw new AzBlobSync.SignIn.SecretShapeException(
            ErrorIds.SecretWrongShape,
            $"-Credential takes a PSCredential (user name = application id, with -TenantId) or the result of New-AzBlobCredential, not a {given.GetType().Name}."),
    };

    /// <summary>A host for the engine layer that writes through this cmdlet.</summary>
    private protected CmdletCommandHost CreateHost(bool isWhatIf, bool askBeforeOverwriting = false) =>
        new(this, isWhatIf, MyInvocation.MyCommand.Name, askBeforeOverwriting && !IsConfirmRequested());

    /// <summary>Runs the command, turning the engine layer's exceptions into terminating errors with their stable ids.</summary>
    protected void RunCommand(Action run)
    {
        try
        {
            run();
        }
        catch (AzBlobSyncException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }
    }

    /// <summary>-WhatIf on this call, or $WhatIfPreference inherited from the caller.</summary>
    protected bool IsWhatIfRequested()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? bound))
        {
            return LanguagePrimitives.IsTrue(bound);
        }
        return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }

    /// <summary>
    /// ShouldProcess already prompts for every action: -Confirm on this call, or a $ConfirmPreference at or
    /// below this cmdlet's impact (Medium).
    /// </summary>
    private bool IsConfirmRequested()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out object? bound))
        {
            return LanguagePrimitives.IsTrue(bound);
        }
        return LanguagePrimitives.TryConvertTo(GetVariableValue("ConfirmPreference"), out ConfirmImpact preference)
            && preference != ConfirmImpact.None
            && preference <= ConfirmImpact.Medium;
    }
}
