namespace AzBlobSync.Native;

/// <summary>
/// The C ABI's constants (native/ffi/include/azblobsync.h). The generated bindings carry the
/// functions but not these, so they are written down once, here.
/// </summary>
internal static class NativeAbi
{
    /// <summary>The ABI version this host speaks; a library reporting anything else is refused.</summary>
    public const uint SupportedAbiVersion = 3;

    /// <summary>File name stem the generated <c>[LibraryImport]</c> declarations ask for.</summary>
    public const string LibraryName = Interop.NativeLib;

    /// <summary>Success from <c>azbs_job_cancel</c>, <c>azbs_job_answer</c> and <c>azbs_job_free</c>.</summary>
    public const int Ok = 0;

    public const int PollRunning = 0;
    public const int PollFinished = 1;
    public const int ErrUnknownJob = -1;
    public const int ErrBufferTooSmall = -2;
    public const int ErrNullArgument = -3;
    public const int ErrPanic = -99;

    public const string AbiVersionExport = "azbs_abi_version";

    /// <summary>Environment variable naming the native library file to load when probing beside the assembly finds none.</summary>
    public const string NativePathEnvironmentVariable = "AZBLOBSYNC_NATIVE_PATH";

    /// <summary>Human text for a poll/cancel/free return code, for error messages.</summary>
    public static string DescribeCode(int code) => code switch
    {
        PollRunning => "running",
        PollFinished => "finished",
        ErrUnknownJob => "unknown job handle",
        ErrBufferTooSmall => "buffer too small",
        ErrNullArgument => "null argument",
        ErrPanic => "the engine panicked",
        _ => $"unexpected code {code}",
    };
}
