using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>The base of every LodeDb error. For a failed native call <see cref="Status"/> is the
/// native status and <see cref="NativeMessage"/> the library's message for it, read on the
/// failing thread; errors raised by the managed layers (a second writer, an identity mismatch...)
/// carry <see cref="LodeDbStatus.Ok"/> and an empty native message.</summary>
public class LodeDbException : Exception
{
    /// <summary>For errors raised by managed code, where no native call failed.</summary>
    protected LodeDbException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = LodeDbStatus.Ok;
        NativeMessage = string.Empty;
    }

    public LodeDbException(LodeDbStatus status, string nativeMessage)
        : base(FormatMessage(status, nativeMessage))
    {
        Status = status;
        NativeMessage = nativeMessage;
    }

    public LodeDbException(LodeDbStatus status, string nativeMessage, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        NativeMessage = nativeMessage;
    }

    /// <summary>The status the native function returned; <see cref="LodeDbStatus.Ok"/> when no native call failed.</summary>
    public LodeDbStatus Status { get; }

    /// <summary>lodedb_last_error_message() right after the failing call ("" when it set none).</summary>
    public string NativeMessage { get; }

    private static string FormatMessage(LodeDbStatus status, string nativeMessage) =>
        nativeMessage.Length == 0 ? $"LodeDb native call failed: {status}." : $"{nativeMessage} ({status})";
}

/// <summary>LODEDB_ERR_INVALID_ARGUMENT: a null pointer, zero count, unsupported bit width, wrong buffer size.</summary>
public sealed class LodeDbArgumentException(string nativeMessage)
    : LodeDbException(LodeDbStatus.InvalidArgument, nativeMessage);

/// <summary>LODEDB_ERR_INVALID_VECTOR: NaN/Inf, an absurd magnitude or a zero vector.</summary>
public sealed class InvalidVectorException(string nativeMessage)
    : LodeDbException(LodeDbStatus.InvalidVector, nativeMessage);

/// <summary>LODEDB_ERR_DIMENSION_MISMATCH: a vector or row does not match the index.</summary>
public sealed class DimensionMismatchException(string nativeMessage)
    : LodeDbException(LodeDbStatus.DimensionMismatch, nativeMessage);

/// <summary>LODEDB_ERR_OUT_OF_RANGE: a slot beyond the index, or an operation on a removed slot.</summary>
public sealed class SlotOutOfRangeException(string nativeMessage)
    : LodeDbException(LodeDbStatus.OutOfRange, nativeMessage);

/// <summary>LODEDB_ERR_OUT_OF_MEMORY: the native allocator failed.</summary>
public sealed class LodeDbOutOfMemoryException(string nativeMessage)
    : LodeDbException(LodeDbStatus.OutOfMemory, nativeMessage);

/// <summary>LODEDB_ERR_IO: an operating-system I/O call failed; the message carries its text.</summary>
public sealed class LodeDbIOException(string nativeMessage)
    : LodeDbException(LodeDbStatus.Io, nativeMessage);

/// <summary>LODEDB_ERR_CORRUPT: bytes that do not parse (magic, CRC, length, header field).</summary>
public sealed class CorruptDataException(string nativeMessage)
    : LodeDbException(LodeDbStatus.Corrupt, nativeMessage);

/// <summary>LODEDB_ERR_UNSUPPORTED: a format version, SIMD level or feature this build or CPU lacks.</summary>
public class LodeDbNotSupportedException : LodeDbException
{
    public LodeDbNotSupportedException(string nativeMessage)
        : base(LodeDbStatus.Unsupported, nativeMessage)
    {
    }

    protected LodeDbNotSupportedException(string nativeMessage, string message)
        : base(LodeDbStatus.Unsupported, nativeMessage, message)
    {
    }
}

/// <summary>The loaded liblodedb was built from another ABI version of lodedb.h than this binding.</summary>
public sealed class NativeAbiMismatchException(uint libraryAbi, uint bindingAbi, string libraryPath)
    : LodeDbNotSupportedException(
        string.Empty,
        $"liblodedb at '{libraryPath}' has ABI version {libraryAbi} but LodeDb.Native was generated for ABI version {bindingAbi}; " +
        "use the LodeDb.Native.runtime package of the same version, or rebuild native/ (LODEDB_NATIVE_LIBRARY overrides the path).")
{
    public uint LibraryAbiVersion { get; } = libraryAbi;

    public uint BindingAbiVersion { get; } = bindingAbi;
}

/// <summary>LODEDB_ERR_BUFFER_TOO_SMALL: an output buffer is too small; the message says how large it must be.</summary>
public sealed class BufferTooSmallException(string nativeMessage)
    : LodeDbException(LodeDbStatus.BufferTooSmall, nativeMessage);

/// <summary>LODEDB_ERR_ABORTED: a callback asked to stop (WAL replay).</summary>
public sealed class LodeDbAbortedException(string nativeMessage)
    : LodeDbException(LodeDbStatus.Aborted, nativeMessage);

/// <summary>LODEDB_ERR_INTERNAL (or a status this binding does not know): a bug in LodeDb; please report the message.</summary>
public sealed class LodeDbInternalException(LodeDbStatus status, string nativeMessage)
    : LodeDbException(status, nativeMessage);
