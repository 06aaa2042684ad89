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
                or "InvalidAccountKey" or "InvalidSpec" => CommandErrorCategory.InvalidArgument,
            "AuthenticationFailed" or "MissingCredentials" => CommandErrorCategory.AuthenticationError,
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
