using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>The one place where a native status becomes an exception.</summary>
internal static unsafe class NativeStatus
{
    /// <summary>Returns when <paramref name="status"/> is OK; otherwise throws its typed exception
    /// with lodedb_last_error_message(). Call it right after the native call, on the same thread,
    /// before any other call into the library (which would overwrite the message).</summary>
    public static void Check(LodeDbStatus status)
    {
        if (status != LodeDbStatus.Ok)
        {
            throw ToException(status);
        }
    }

    /// <summary>The exception for a failed status, carrying this thread's last native message.</summary>
    public static LodeDbException ToException(LodeDbStatus status) =>
        Create(status, NativeUtf8.Read(NativeMethods.LastErrorMessage()));

    /// <summary>The exception type of each status (public so higher layers and tests share the mapping).</summary>
    public static LodeDbException Create(LodeDbStatus status, string nativeMessage) => status switch
    {
        LodeDbStatus.InvalidArgument => new LodeDbArgumentException(nativeMessage),
        LodeDbStatus.InvalidVector => new InvalidVectorException(nativeMessage),
        LodeDbStatus.DimensionMismatch => new DimensionMismatchException(nativeMessage),
        LodeDbStatus.OutOfRange => new SlotOutOfRangeException(nativeMessage),
        LodeDbStatus.OutOfMemory => new LodeDbOutOfMemoryException(nativeMessage),
        LodeDbStatus.Io => new LodeDbIOException(nativeMessage),
        LodeDbStatus.Corrupt => new CorruptDataException(nativeMessage),
        LodeDbStatus.Unsupported => new LodeDbNotSupportedException(nativeMessage),
        LodeDbStatus.BufferTooSmall => new BufferTooSmallException(nativeMessage),
        LodeDbStatus.Aborted => new LodeDbAbortedException(nativeMessage),
        _ => new LodeDbInternalException(status, nativeMessage),
    };
}
