using System;
using System.Collections.Generic;

namespace AzBlobSync.Errors;

/// <summary>The native engine could not be loaded (or speaks another ABI); lists every path tried.</summary>
public sealed class NativeEngineUnavailableException : AzBlobSyncException
{
    public NativeEngineUnavailableException(string errorId, string message, IReadOnlyList<string> pathsTried, Exception? innerException = null)
        : base(errorId, message, null, innerException)
    {
        PathsTried = pathsTried;
    }

    public IReadOnlyList<string> PathsTried { get; }
}
