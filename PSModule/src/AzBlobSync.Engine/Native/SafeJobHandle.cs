using System;
using System.Runtime.InteropServices;

namespace AzBlobSync.Native;

/// <summary>
/// Owns one engine job handle (a u64 counter, stored in the pointer-sized field) and frees it
/// exactly once. SafeHandle's reference counting keeps a cancel on another thread from racing the free.
/// </summary>
internal sealed class SafeJobHandle : SafeHandle
{
    private SafeJobHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The engine's job number (valid while a reference is held).</summary>
    public ulong JobNumber => unchecked((ulong)(long)handle);

    public static SafeJobHandle FromJobNumber(ulong job)
    {
        if (IntPtr.Size < sizeof(ulong))
        {
            throw new PlatformNotSupportedException("AzBlobSync's native engine needs a 64-bit process.");
        }
        var safe = new SafeJobHandle();
        safe.SetHandle(unchecked((IntPtr)(long)job));
        return safe;
    }

    protected override bool ReleaseHandle() => Interop.azbs_job_free(JobNumber) == NativeAbi.Ok;
}
