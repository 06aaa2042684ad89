using System;

namespace AzBlobSync.Errors;

/// <summary>
/// A failure that stops a whole command, carrying a stable <see cref="ErrorId"/> and a category.
/// Messages say what to fix and never contain an account key or a SAS signature.
/// </summary>
public class AzBlobSyncException : Exception
{
    public AzBlobSyncException(string errorId, string message, object? target = null, Exception? innerException = null)
        : this(errorId, ErrorIds.CategoryOf(errorId), message, target, innerException)
    {
    }

    public AzBlobSyncException(string errorId, CommandErrorCategory category, string message, object? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    /// <summary>Stable identifier, e.g. <c>AzBlobSync.ContainerNotFound</c>.</summary>
    public string ErrorId { get; }

    public CommandErrorCategory Category { get; }

    /// <summary>What the error is about (a path, a URL already redacted, a summary), for the error record.</summary>
    public object? Target { get; }
}
