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
        string errorId = failed.ErrorId ?? ErrorIds.InternalError;
        string message = $"'{failed.Path}' was not uploaded: {failed.Error ?? "the engine gave no reason"}";
        return new CommandError(errorId, ErrorIds.CategoryOf(errorId), message, failed);
    }
}
