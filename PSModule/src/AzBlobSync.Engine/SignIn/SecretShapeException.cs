using AzBlobSync.Errors;

namespace AzBlobSync.SignIn;

/// <summary>A secret from a vault, or a credential, that cannot be turned into a sign-in.</summary>
public sealed class SecretShapeException : AzBlobSyncException
{
    public SecretShapeException(string errorId, string message, object? target = null)
        : base(errorId, CommandErrorCategory.InvalidArgument, message, target)
    {
    }
}
