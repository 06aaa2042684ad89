namespace AzBlobSync.Errors;

/// <summary>
/// Stable error identifiers. Scripts match on them (PowerShell's FullyQualifiedErrorId starts with
/// one), so they are never reworded. The ids and their categories are generated from the engine's one
/// list (<c>ErrorIds.g.cs</c>, from native/core/src/error_ids.rs); every id is prefixed with <see cref="Prefix"/>.
/// </summary>
public static partial class ErrorIds
{
    public const string Prefix = "AzBlobSync.";

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

    /// <summary>The category that fits an error id, engine-prefixed or not; <see cref="CommandErrorCategory.NotSpecified"/> for an unknown one.</summary>
    public static CommandErrorCategory CategoryOf(string? errorId)
    {
        string bare = errorId is not null && errorId.StartsWith(Prefix, System.StringComparison.Ordinal)
            ? errorId.Substring(Prefix.Length)
            : errorId ?? string.Empty;
        return CategoryOfBare(bare) ?? CommandErrorCategory.NotSpecified;
    }
}
