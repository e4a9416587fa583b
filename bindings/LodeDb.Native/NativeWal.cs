using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>Called for each valid WAL record during <see cref="NativeWal.ReplayFile"/>; the span is
/// valid only during the call. Return true to go on, false to stop (the replay then throws
/// <see cref="LodeDbAbortedException"/>).</summary>
public delegate bool WalRecordHandler(ReadOnlySpan<byte> payload);

/// <summary>Outcome of a replay: the valid prefix length (compare with the file size to find a
/// torn tail) and the records delivered.</summary>
public readonly record struct WalReplayResult(ulong ValidBytes, ulong RecordCount);

/// <summary>A thin owner of one native write-ahead log file (lodedb_wal), plus the static framing
/// helpers. Not locked: one writer at a time.</summary>
public sealed unsafe class NativeWal : IDisposable
{
    // The library may treat a NULL data pointer as an invalid argument even with a zero length;
    // an empty span pins to NULL, so empty payloads point here instead.
    private static readonly byte[] EmptyPayload = new byte[1];

    private readonly WalHandle _handle;

    private NativeWal(WalHandle handle) => _handle = handle;

    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Opens (creating if missing) a WAL for appending at its end. Replay it first and
    /// truncate a torn tail before appending.</summary>
    public static NativeWal Open(string path)
    {
        AbiCheck.Ensure();
        byte[] pathUtf8 = NativeUtf8.ToNullTerminated(path, nameof(path));
        LodeDbStatus status;
        WalHandle handle;
        fixed (byte* p = pathUtf8)
        {
            status = NativeMethods.WalOpen(p, out handle);
        }
        if (status != LodeDbStatus.Ok)
        {
            LodeDbException error = NativeStatus.ToException(status); // reads this thread's native message
            handle.Dispose(); // invalid: nothing to close
            throw error;
        }
        return new NativeWal(handle);
    }

    /// <summary>Appends one framed record in a single write; sync: fdatasync before returning.</summary>
    public void Append(ReadOnlySpan<byte> payload, bool sync = false)
    {
        fixed (byte* p = NonEmpty(payload))
        {
            NativeStatus.Check(NativeMethods.WalAppend(_handle, p, (nuint)payload.Length, Flags(sync)));
        }
    }

    public void Sync()
    {
        NativeStatus.Check(NativeMethods.WalSync(_handle));
    }

    /// <summary>Cuts the file to length bytes (0 after a checkpoint, the valid prefix after replay).</summary>
    public void Truncate(ulong length, bool sync = false)
    {
        NativeStatus.Check(NativeMethods.WalTruncate(_handle, length, Flags(sync)));
    }

    /// <summary>The file's size in bytes.</summary>
    public ulong Size
    {
        get
        {
            ulong size;
            NativeStatus.Check(NativeMethods.WalSize(_handle, &size));
            return size;
        }
    }

    /// <summary>Bytes of the framed record of a payload.</summary>
    public static int EncodedLength(int payloadLength) => checked(payloadLength + NativeConstants.WalRecordOverhead);

    /// <summary>Frames a payload into destination; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        AbiCheck.Ensure();
        nuint written;
        fixed (byte* p = NonEmpty(payload))
        fixed (byte* d = destination)
        {
            NativeStatus.Check(NativeMethods.WalEncode(p, (nuint)payload.Length, d, (nuint)destination.Length, &written));
        }
        return checked((int)written);
    }

    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[EncodedLength(payload.Length)];
        int written = Encode(payload, frame);
        return written == frame.Length ? frame : frame.AsSpan(0, written).ToArray();
    }

    /// <summary>Decodes the record at offset of data: the record, or null at the clean end
    /// (offset == data.Length). A torn or corrupt record throws <see cref="CorruptDataException"/>:
    /// the valid prefix is then offset bytes long.</summary>
    public static LodeDbWalRecord? Next(ReadOnlySpan<byte> data, ulong offset)
    {
        AbiCheck.Ensure();
        LodeDbWalRecord record;
        LodeDbStatus status;
        fixed (byte* d = NonEmpty(data))
        {
            status = NativeMethods.WalNext(d, (nuint)data.Length, offset, &record);
        }
        if (status == LodeDbStatus.Done)
        {
            return null;
        }
        NativeStatus.Check(status);
        return record;
    }

    /// <summary>Reads a WAL file and calls handler for each valid record in order, stopping
    /// cleanly at the end or at a torn tail. An exception thrown by the handler stops the replay
    /// and is rethrown here with its original stack.</summary>
    public static WalReplayResult ReplayFile(string path, WalRecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AbiCheck.Ensure();
        byte[] pathUtf8 = NativeUtf8.ToNullTerminated(path, nameof(path));
        var state = new ReplayState(handler);
        var gcHandle = GCHandle.Alloc(state);
        try
        {
            ulong validBytes, recordCount;
            LodeDbStatus status;
            fixed (byte* p = pathUtf8)
            {
                status = NativeMethods.WalReplayFile(p, &OnRecord, (void*)GCHandle.ToIntPtr(gcHandle),
                    &validBytes, &recordCount);
            }
            // Read the native message before anything else can call into the library.
            LodeDbException? nativeError = status == LodeDbStatus.Ok ? null : NativeStatus.ToException(status);
            state.Error?.Throw();
            if (nativeError is not null)
            {
                throw nativeError;
            }
            return new WalReplayResult(validBytes, recordCount);
        }
        finally
        {
            gcHandle.Free();
        }
    }

    public void Dispose() => _handle.Dispose();

    private static uint Flags(bool sync) => sync ? (uint)NativeConstants.FlagSync : 0u;

    // The length passed alongside stays the caller's (0): only the pointer changes.
    private static ReadOnlySpan<byte> NonEmpty(ReadOnlySpan<byte> data) => data.IsEmpty ? EmptyPayload : data;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnRecord(void* context, byte* payload, nuint payloadLength)
    {
        // No exception may cross back into C: capture it, stop the replay, rethrow after.
        var state = (ReplayState)GCHandle.FromIntPtr((nint)context).Target!;
        try
        {
            return state.Handler(new ReadOnlySpan<byte>(payload, checked((int)payloadLength))) ? 0 : 1;
        }
        catch (Exception e)
        {
            state.Error = ExceptionDispatchInfo.Capture(e);
            return 1;
        }
    }

    private sealed class ReplayState(WalRecordHandler handler)
    {
        public WalRecordHandler Handler { get; } = handler;

        public ExceptionDispatchInfo? Error { get; set; }
    }
}
