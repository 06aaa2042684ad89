namespace AzBlobSync;

/// <summary>How a sync or check judges a pair of the same size (AzCopy's --compare-hash); the names are the engine's.</summary>
public enum CompareHashMode
{
    /// <summary>By modified time. The default.</summary>
    None,

    /// <summary>
    /// By content: the local file's MD5 against the blob's Content-MD5 (reasons <c>contentChanged</c>, or
    /// <c>noHashToCompare</c> when the blob has none; equal content is <c>unchanged</c> whatever the times say).
    /// Local MD5s are remembered between runs against each file's path, size and modified time.
    /// </summary>
    MD5,
}
