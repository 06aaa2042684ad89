using System;
using System.Buffers;
using System.Security.Cryptography;

namespace AzBlobSync.Engine;

/// <summary>
/// A growable byte buffer that wipes every array it lets go of, for JSON that holds an account key:
/// no copy of the secret is left behind in memory the GC may hand out again.
/// </summary>
internal sealed class ZeroingBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] buffer;
    private int written;

    public ZeroingBufferWriter(int initialCapacity)
    {
        buffer = new byte[Math.Max(initialCapacity, 256)];
    }

    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, written);

    public void Advance(int count)
    {
        if (count < 0 || written + count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return buffer.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return buffer.AsSpan(written);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(buffer);
        written = 0;
    }

    private void Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (buffer.Length - written >= needed)
        {
            return;
        }
        var larger = new byte[Math.Max(buffer.Length * 2, written + needed)];
        buffer.AsSpan(0, written).CopyTo(larger);
        CryptographicOperations.ZeroMemory(buffer);
        buffer = larger;
    }
}
