namespace AzBlobSync;

/// <summary>What a download does with the blob's Content-MD5 (AzCopy's --check-md5 modes); the names are the engine's.</summary>
public enum CheckMd5Mode
{
    /// <summary>Do not hash the downloaded bytes.</summary>
    NoCheck,

    /// <summary>A mismatch is a warning; the file is kept.</summary>
    LogOnly,

    /// <summary>A mismatch fails the file and it is not kept; a blob without an MD5 passes. The default.</summary>
    FailIfDifferent,

    /// <summary>A mismatch, or a blob without an MD5, fails the file.</summary>
    FailIfDifferentOrMissing,
}
