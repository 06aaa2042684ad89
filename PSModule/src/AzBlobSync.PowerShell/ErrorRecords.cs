using System;
using System.Management.Automation;
using AzBlobSync.Commands;
using AzBlobSync.Errors;

namespace AzBlobSync.PowerShell;

/// <summary>Builds PowerShell error records from the engine layer's errors, keeping their stable ids.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(AzBlobSyncException exception) =>
        new(exception, exception.ErrorId, ToErrorCategory(exception.Category), exception.Target);

    public static ErrorRecord From(CommandError error) =>
        new(new AzBlobSyncException(error.ErrorId, error.Category, error.Message, error.Target), error.ErrorId, ToErrorCategory(error.Category), error.Target);

    /// <summary>Every <see cref="CommandErrorCategory"/> name is an <see cref="ErrorCategory"/> name (a test checks it).</summary>
    private static ErrorCategory ToErrorCategory(CommandErrorCategory category) =>
        Enum.TryParse(category.ToString(), out ErrorCategory mapped) ? mapped : ErrorCategory.NotSpecified;
}
