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
/// What every cmdlet that runs an engine job shares (Sync-AzBlob, Test-AzBlobSync, Copy-AzBlob): the
/// filters, credentials and concurrency; resolving local paths through PowerShell's providers; Ctrl+C;
/// and turning the engine layer's errors into error records. The ends themselves are declared by each
/// cmdlet family (<see cref="EndpointCmdletBase"/> for a sync or check, Copy-AzBlob for a copy).
/// </summary>
public abstract class TransferCmdletBase : PSCmdlet, IDisposable
{
    /// <summary>Upload from a local path given by -Path (wildcards allowed).</summary>
    protected const string PathParameterSet = "Path";

    /// <summary>Upload from a local path given by -LiteralPath.</summary>
    protected const string LiteralPathParameterSet = "LiteralPath";

    /// <summary>Download from the container in -SourceUri into the local path in -Destination.</summary>
    protected const string DownloadParameterSet = "Download";

    /// <summary>Server-side copies from the container in -SourceUri into the container in -DestinationUri.</summary>
    protected const string BetweenContainersParameterSet = "BetweenContainers";

    private readonly CancellationTokenSource stopping = new();
    private AzBlobSync.SignIn.SignInCredential? signIn;
    private bool signInResolved;
    private bool ownsSignIn;
    private int? concurrency;
    private DateTime? includeAfter;
    private DateTime? includeBefore;
    private TimeSpan? minAge;
    private TimeSpan? maxAge;

    /// <summary>Parallel requests (1-512); the engine picks a default from the machine when omitted.</summary>
    [Parameter]
    [ValidateRange(1, SyncOptions.MaxConcurrency)]
    public int Concurrency
    {
        get => concurrency ?? 0;
        set => concurrency = value;
    }

    /// <summary>
    /// Part (block) size for large files, in MiB (decimals allowed, as AzCopy's --block-size-mb); chosen from the file size when omitted.
    /// </summary>
    [Parameter]
    public double BlockSizeMB { get; set; }

    /// <summary>
    /// Most MiB of transfer buffers the job holds at once (default 256): no mix of file sizes, -BlockSizeMB and
    /// -Concurrency holds more. Lower it on a small machine; raising it rarely makes a transfer faster.
    /// </summary>
    [Parameter]
    public long MemoryBudgetMB { get; set; }

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

    /// <summary>Only files whose NAME matches one of these wildcards (e.g. *.jpg, *.pdf); a ';' inside a value also separates.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Include { get; set; } = Array.Empty<string>();

    /// <summary>Leave out files whose NAME matches one of these wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Exclude { get; set; } = Array.Empty<string>();

    /// <summary>Only these paths, relative to the folder (and the container prefix): a file, or a folder and everything below it.</summary>
    [Parameter]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(RelativePathCompleter))]
    public string[] IncludePath { get; set; } = Array.Empty<string>();

    /// <summary>Leave out these relative paths (a file, or a folder and everything below it); excluded folders are never even listed.</summary>
    [Parameter]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(RelativePathCompleter))]
    public string[] ExcludePath { get; set; } = Array.Empty<string>();

    /// <summary>Only files whose relative path ('/'-separated) matches one of these regular expressions.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] IncludeRegex { get; set; } = Array.Empty<string>();

    /// <summary>Leave out files whose relative path ('/'-separated) matches one of these regular expressions.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] ExcludeRegex { get; set; } = Array.Empty<string>();

    /// <summary>Only files modified at or after this time (a time without a zone is local time).</summary>
    [Parameter]
    public DateTime IncludeAfter
    {
        get => includeAfter ?? default;
        set => includeAfter = value;
    }

    /// <summary>Only files modified at or before this time (a time without a zone is local time).</summary>
    [Parameter]
    public DateTime IncludeBefore
    {
        get => includeBefore ?? default;
        set => includeBefore = value;
    }

    /// <summary>Only files at least this old: a TimeSpan, or a number with a unit (90s, 30m, 12h, 7d).</summary>
    [Parameter]
    [DurationTransformation]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public TimeSpan MinAge
    {
        get => minAge ?? default;
        set => minAge = value;
    }

    /// <summary>Only files at most this old: a TimeSpan, or a number with a unit (90s, 30m, 12h, 7d).</summary>
    [Parameter]
    [DurationTransformation]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public TimeSpan MaxAge
    {
        get => maxAge ?? default;
        set => maxAge = value;
    }

    /// <summary>Signalled by Ctrl+C (StopProcessing); the engine is asked to stop and polled until its summary.</summary>
    protected CancellationToken StopToken => stopping.Token;

    /// <summary>The ParameterSetName is the download set: the source is a URL and the destination local.</summary>
    protected bool IsDownload => ParameterSetName == DownloadParameterSet;

    /// <summary>The ParameterSetName is the between-containers set: both ends are container URLs (-SourceUri, -DestinationUri).</summary>
    protected bool IsBetweenContainers => ParameterSetName == BetweenContainersParameterSet;

    public void Dispose()
    {
        stopping.Dispose();
        if (ownsSignIn)
        {
            signIn?.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    private const long Mebibyte = 1024 * 1024;

    /// <summary>MiB to bytes; a value that is not a positive number goes on as 0, which the engine refuses with its own id.</summary>
    private static long MebibytesToBytes(double mebibytes) =>
        double.IsFinite(mebibytes) && mebibytes > 0 && mebibytes < long.MaxValue / Mebibyte ? (long)Math.Round(mebibytes * Mebibyte) : 0;

    /// <summary>Ctrl+C: ask the engine to stop; ProcessRecord keeps polling until its summary arrives.</summary>
    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>The options every command shares, around ends the caller has resolved.</summary>
    private AzureEnvironment? ChosenEnvironment => MyInvocation.BoundParameters.ContainsKey(nameof(Environment)) ? Environment : null;

    protected SyncOptions SharedOptions(SyncDirection direction, string source, string destination) => new()
    {
        Direction = direction,
        Source = source,
        Destination = destination,
        Concurrency = concurrency,
        BlockSizeBytes = MyInvocation.BoundParameters.ContainsKey(nameof(BlockSizeMB)) ? MebibytesToBytes(BlockSizeMB) : null,
        MemoryBudgetBytes = MyInvocation.BoundParameters.ContainsKey(nameof(MemoryBudgetMB)) ? MebibytesToBytes(MemoryBudgetMB) : null,
        AccountKey = StorageAccountKey,
        SignIn = ResolveSignIn(),
        AzCopyEnvironment = AzBlobSync.SignIn.AzCopyVariables.Collect(),
        // .NET keeps its own copy of the environment on Unix ($env: changes never reach the native engine's
        // getenv), so the process-wide conventions are read here and passed on.
        CaCertificatePath = CaCertificatePath is null ? NonEmpty(System.Environment.GetEnvironmentVariable("SSL_CERT_FILE")) : GetUnresolvedProviderPathFromPSPath(CaCertificatePath),
        AuthorityHost = AuthorityHost ?? (ChosenEnvironment is null ? NonEmpty(System.Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST")) : null),
        Environment = ChosenEnvironment,
        IncludePattern = Include,
        ExcludePattern = Exclude,
        IncludePath = IncludePath,
        ExcludePath = ExcludePath,
        IncludeRegex = IncludeRegex,
        ExcludeRegex = ExcludeRegex,
        IncludeAfter = includeAfter,
        IncludeBefore = includeBefore,
        MinAge = minAge,
        MaxAge = maxAge,
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// The sign-in from -Vault/-SecretName or -Credential, read once per command (a pipeline of many
    /// records signs in with the same secret). Null when neither is given.
    /// </summary>
    private AzBlobSync.SignIn.SignInCredential? ResolveSignIn()
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

    private AzBlobSync.SignIn.SignInCredential FromCredentialObject(object given) => given switch
    {
        PSCredential credential => AzBlobSync.SignIn.SecretToCredential.FromCredential(credential.UserName, credential.Password, TenantId),
        AzBlobSync.SignIn.SignInCredential made => made,
        _ => throw new AzBlobSync.SignIn.SecretShapeException(
            ErrorIds.SecretWrongShape,
            $"-Credential takes a PSCredential (user name = application id, with -TenantId) or the result of New-AzBlobCredential, not a {given.GetType().Name}."),
    };

    /// <summary>The upload properties (-ContentType, -CacheControl, -Metadata, -Tag, -AccessTier) added to <paramref name="options"/>.</summary>
    protected static SyncOptions WithUploadProperties(
        SyncOptions options, string? contentType, string? cacheControl, Hashtable? metadata, Hashtable? tag, BlobAccessTier? accessTier) =>
        options with
        {
            ContentType = string.IsNullOrWhiteSpace(contentType) ? null : contentType,
            CacheControl = string.IsNullOrWhiteSpace(cacheControl) ? null : cacheControl,
            Metadata = PropertyTable.From(metadata, "Metadata", ToText),
            Tags = PropertyTable.From(tag, "Tag", ToText),
            AccessTier = accessTier,
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

    /// <summary>A local path with wildcards, resolved through the provider: every file-system item it matches (none for a wildcard that matches nothing).</summary>
    protected IReadOnlyList<string> ResolveWildcardPath(string path, string role = "Source")
    {
        Collection<string> resolved;
        ProviderInfo provider;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (ItemNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"{role} '{path}' does not exist; check the path.", path);
        }
        catch (DriveNotFoundException e)
        {
            throw new AzBlobSyncException(ErrorIds.SourceNotFound, $"{role} '{path}' does not exist: {e.Message}", path);
        }
        SourcePathResolution.EnsureFileSystem(path, provider.Name);
        return resolved;
    }

    /// <summary>A local path taken literally (relative to the current location, ~ expanded); it need not exist.</summary>
    protected string ResolveLiteralPath(string path)
    {
        string literal = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        SourcePathResolution.EnsureFileSystem(path, provider.Name);
        return literal;
    }

    /// <summary>A download's local destination may not exist yet, so it is resolved without requiring it (relative to the current location, ~ expanded).</summary>
    protected string ResolveLocalDestination(string destination)
    {
        ProviderInfo provider;
        string resolved;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(destination, out provider, out _);
        }
        catch (Exception e) when (e is DriveNotFoundException or ProviderNotFoundException)
        {
            throw new AzBlobSyncException(ErrorIds.DestinationNotAFolder, $"Destination folder '{destination}' cannot be used: {e.Message}", destination);
        }
        SourcePathResolution.EnsureFileSystemDestination(destination, provider.Name);
        return resolved;
    }

    /// <summary>A file the module writes for itself (e.g. -HashCachePath), resolved like any PowerShell path; null stays null.</summary>
    protected string? ResolveOptionalFile(string? path, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (!string.Equals(provider.Name, SourcePathResolution.FileSystemProvider, StringComparison.OrdinalIgnoreCase))
        {
            throw new AzBlobSyncException(ErrorIds.InvalidSpec, $"-{parameterName} '{path}' is on the {provider.Name} provider; give a file-system path.", path);
        }
        return resolved;
    }

    /// <summary>PowerShell's own (culture-invariant) conversion of a hashtable key or value to text.</summary>
    private static string? ToText(object? value) => value is null ? null : LanguagePrimitives.ConvertTo<string>(value);
}
