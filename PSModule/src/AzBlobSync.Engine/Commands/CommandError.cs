using AzBlobSync.Errors;

namespace AzBlobSync.Commands;

/// <summary>
/// A non-terminating error for the host to write (PowerShell: an ErrorRecord). Built from stable
/// ids and messages that contain no secrets.
/// </summary>
public sealed record CommandError(string ErrorId, CommandErrorCategory Category, string Message, object? Target)
{
    /// <summary>The error for one failed file; the target is the whole result so scripts can see path, blob and reason.</summary>
    public static CommandError ForFailedFile(TransferResult failed)
    {
        string what = failed.Action switch
        {
            TransferAction.Download => "was not downloaded",
            TransferAction.Delete => "was not deleted",
            TransferAction.Upload => "was not uploaded",
            TransferAction.Copy => "was not copied",
            _ => "failed",
        };
        return For(failed, what);
    }

    /// <summary>A problem with one input among several (e.g. one item of a pipeline): written, and the others go on.</summary>
    public static CommandError From(AzBlobSyncException exception)
    {
        System.ArgumentNullException.ThrowIfNull(exception);
        return new CommandError(exception.ErrorId, exception.Category, exception.Message, exception.Target);
    }

    /// <summary>The error for a file a check could not compare (e.g. unreadable).</summary>
    public static CommandError ForUncomparedFile(TransferResult failed) => For(failed, "could not be compared");

    private static CommandError For(TransferResult failed, string what)
    {
        string errorId = failed.ErrorId ?? ErrorIds.InternalError;
        // The engine keeps signatures out of its messages; redacting again costs nothing.
        string message = $"'{failed.Path}' {what}: {MessageText.FromEngine(failed.Error ?? "the engine gave no reason")}";
        return new CommandError(errorId, ErrorIds.CategoryOf(errorId), message, failed);
    }
}
