namespace AzBlobSync.Errors;

/// <summary>
/// The error categories this layer uses. Every name is also a member of PowerShell's
/// <c>System.Management.Automation.ErrorCategory</c> (a test checks that), so the cmdlet maps by name
/// without the engine referencing PowerShell.
/// </summary>
public enum CommandErrorCategory
{
    NotSpecified,
    InvalidArgument,
    ObjectNotFound,
    AuthenticationError,
    PermissionDenied,
    ConnectionError,
    ResourceUnavailable,
    ReadError,
    OperationStopped,
    NotInstalled,
    ProtocolError,
    LimitsExceeded,
    InvalidResult,
    InvalidData,
    SecurityError,
}
