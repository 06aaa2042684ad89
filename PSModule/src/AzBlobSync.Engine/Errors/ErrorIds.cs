namespace AzBlobSync.Errors;

/// <summary>
/// Stable error identifiers. Scripts match on them (PowerShell's FullyQualifiedErrorId starts with
/// one), so they are never reworded. Engine ids are prefixed with <see cref="Prefix"/>.
/// </summary>
public static class ErrorIds
{
    public const string Prefix = "AzBlobSync.";

    public const string SourceNotFound = Prefix + "SourceNotFound";
    public const string SourceNotAFolder = Prefix + "SourceNotAFolder";
    public const string SourceAmbiguous = Prefix + "SourceAmbiguous";
    public const string InvalidDestination = Prefix + "InvalidDestination";

    /// <summary>A download's -SourceUri is not a valid container URL.</summary>
    public const string InvalidSource = Prefix + "InvalidSource";

    /// <summary>A download's local destination exists and is a file.</summary>
    public const string DestinationNotAFolder = Prefix + "DestinationNotAFolder";
    public const string InvalidSpec = Prefix + "InvalidSpec";
    public const string NativeEngineNotFound = Prefix + "NativeEngineNotFound";
    public const string NativeAbiMismatch = Prefix + "NativeAbiMismatch";
    public const string EngineProtocolError = Prefix + "EngineProtocolError";
    public const string CancellationTimedOut = Prefix + "CancellationTimedOut";
    public const string InternalError = Prefix + "InternalError";

    // Sign-in from a vault or a credential (decided in .NET, before the engine runs).

    /// <summary>-Vault was given but Microsoft.PowerShell.SecretManagement is not installed.</summary>
    public const string SecretManagementNotInstalled = Prefix + "SecretManagementNotInstalled";

    /// <summary>No vault of that name is registered for the account.</summary>
    public const string VaultNotFound = Prefix + "VaultNotFound";

    /// <summary>The vault (SecretStore) needs Unlock-SecretStore first.</summary>
    public const string VaultLocked = Prefix + "VaultLocked";

    /// <summary>The vault has no secret of that name.</summary>
    public const string SecretNotFound = Prefix + "SecretNotFound";

    /// <summary>The secret is not a service principal (hashtable, credential or JSON with an id and a secret).</summary>
    public const string SecretWrongShape = Prefix + "SecretWrongShape";

    /// <summary>A service principal without a tenant: neither -TenantId nor a TenantId in the secret.</summary>
    public const string MissingTenant = Prefix + "MissingTenant";

    /// <summary>A certificate (PFX/PEM) secret; certificate sign-in is not built yet.</summary>
    public const string CertificateNotSupported = Prefix + "CertificateNotSupported";

    /// <summary>Turns an engine <c>errorId</c> ("ContainerNotFound") into ours ("AzBlobSync.ContainerNotFound").</summary>
    public static string FromEngine(string? engineErrorId)
    {
        if (string.IsNullOrWhiteSpace(engineErrorId))
        {
            return InternalError;
        }
        string trimmed = engineErrorId.Trim();
        return trimmed.StartsWith(Prefix, System.StringComparison.Ordinal) ? trimmed : Prefix + trimmed;
    }

    /// <summary>The category that fits an error id, engine-prefixed or not.</summary>
    public static CommandErrorCategory CategoryOf(string? errorId)
    {
        string bare = errorId is not null && errorId.StartsWith(Prefix, System.StringComparison.Ordinal)
            ? errorId.Substring(Prefix.Length)
            : errorId ?? string.Empty;
        return bare switch
        {
            "SourceNotFound" or "ContainerNotFound" => CommandErrorCategory.ObjectNotFound,
            "SourceNotAFolder" or "SourceAmbiguous" or "InvalidDestination" or "InvalidSource" or "DestinationNotAFolder"
                or "InvalidAccountKey" or "InvalidSpec" or "InvalidCredential" or "InvalidCaCertificate"
                or "SecretWrongShape" or "MissingTenant" or "CertificateNotSupported" => CommandErrorCategory.InvalidArgument,
            "AuthenticationFailed" or "MissingCredentials" or "SignInFailed" or "VaultLocked" => CommandErrorCategory.AuthenticationError,
            "BearerTokenOverHttp" => CommandErrorCategory.SecurityError,
            "VaultNotFound" or "SecretNotFound" => CommandErrorCategory.ObjectNotFound,
            "SecretManagementNotInstalled" => CommandErrorCategory.NotInstalled,
            "AuthorizationFailed" => CommandErrorCategory.PermissionDenied,
            "ServiceUnreachable" => CommandErrorCategory.ConnectionError,
            "ServiceError" => CommandErrorCategory.ResourceUnavailable,
            "LocalIoError" or "SourceChanged" => CommandErrorCategory.ReadError,
            "MaxDeleteExceeded" => CommandErrorCategory.LimitsExceeded,
            "Md5Mismatch" => CommandErrorCategory.InvalidResult,
            "InvalidLocalName" => CommandErrorCategory.InvalidData,
            "Cancelled" or "CancellationTimedOut" => CommandErrorCategory.OperationStopped,
            "NativeEngineNotFound" or "NativeAbiMismatch" => CommandErrorCategory.NotInstalled,
            "EngineProtocolError" => CommandErrorCategory.ProtocolError,
            _ => CommandErrorCategory.NotSpecified,
        };
    }
}
