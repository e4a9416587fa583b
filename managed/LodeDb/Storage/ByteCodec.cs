using System.Buffers.Binary;
using System.Text;

namespace LodeDb;

/// <summary>Little-endian append buffer for the managed file and record formats.</summary>
internal sealed class ByteWriter(int capacity)
{
    // Throws on a lone surrogate instead of writing U+FFFD: a string that would read back
    // differently is never written (the API refuses such strings first; this is the backstop).
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private byte[] _buffer = new byte[Math.Max(16, capacity)];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + count, _buffer.Length * 2));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void U8(byte value) => Reserve(1)[0] = value;

    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void U32(int value) => U32(checked((uint)value));

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void F32(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void Blob(ReadOnlySpan<byte> bytes)
    {
        U32(bytes.Length);
        Bytes(bytes);
    }

    public void String(string value)
    {
        int count = StrictUtf8.GetByteCount(value);
        U32(count);
        StrictUtf8.GetBytes(value, Reserve(count));
    }
}

/// <summary>Bounds-checked little-endian reader; every overrun is a <see cref="FormatException"/>.</summary>
internal sealed class ByteReader(byte[] data, int offset = 0)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private int _offset = offset;

    public int Remaining => data.Length - _offset;

    /// <summary>The position of the next byte read.</summary>
    public int Offset => _offset;

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new FormatException($"a length of {count} bytes runs past the end ({Remaining} left at offset {_offset})");
        }

        ReadOnlySpan<byte> span = data.AsSpan(_offset, count);
        _offset += count;
        return span;
    }

    public byte U8() => Take(1)[0];

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>A u32 count or size that must fit an int (a larger one is damage, never an allocation).</summary>
    public int Count(string what)
    {
        uint value = U32();
        return value <= int.MaxValue ? (int)value : throw new FormatException($"{what} {value} is out of range (at offset {_offset - 4})");
    }

    public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public ReadOnlySpan<byte> Blob()
    {
        uint length = U32();
        return Take(length > int.MaxValue ? -1 : (int)length);
    }

    public string String()
    {
        ReadOnlySpan<byte> utf8 = Blob();
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException($"a string that is not valid UTF-8 (ending at offset {_offset}): {ex.Message}", ex);
        }
    }
}
