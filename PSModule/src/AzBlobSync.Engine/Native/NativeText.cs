using System;
using System.Runtime.InteropServices;
using System.Text;
using AzBlobSync.Errors;

namespace AzBlobSync.Native;

/// <summary>
/// The engine's text calls (<c>azbs_spec_check</c>, <c>azbs_redact</c>): UTF-8 in, UTF-8 out, the
/// buffer grown once when the engine says how large the answer is.
/// </summary>
internal static class NativeText
{
    internal delegate int TextCall(ref byte input, ulong inputLength, ref byte buffer, ulong capacity, ref ulong written);

    public static string Call(string name, ReadOnlySpan<byte> input, TextCall call)
    {
        NativeEngineLibrary.EnsureLoaded();
        // The ref overloads need a first element: empty input is sent as one space.
        ReadOnlySpan<byte> sent = input.IsEmpty ? " "u8 : input;
        byte[] buffer = new byte[Math.Max(256, sent.Length * 2)];
        for (int attempt = 0; attempt < 2; attempt++)
        {
            ulong written = 0;
            int code = call(ref MemoryMarshal.GetReference(sent), (ulong)sent.Length, ref MemoryMarshal.GetArrayDataReference(buffer), (ulong)buffer.Length, ref written);
            if (code == NativeAbi.Ok)
            {
                return Encoding.UTF8.GetString(buffer, 0, (int)written);
            }
            if (code != NativeAbi.ErrBufferTooSmall || written > int.MaxValue)
            {
                throw new AzBlobSyncException(ErrorIds.EngineProtocolError, $"The engine's {name} failed: {NativeAbi.DescribeCode(code)}.");
            }
            buffer = new byte[(int)written];
        }
        throw new AzBlobSyncException(ErrorIds.EngineProtocolError, $"The engine's {name} kept asking for a larger buffer.");
    }
}
