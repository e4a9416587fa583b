using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>
/// A thin owner of one native TurboQuant index (lodedb_index). Spans are pinned with
/// <c>fixed</c> and passed as they are (no copies); every size the C side cannot check (it gets
/// pointers without lengths) is checked here first. Const calls (search, score, export, info,
/// save) may run on many threads at once; mutating calls need exclusive access, which is the
/// managed database's job (this class takes no locks). Disposing while another thread searches
/// is safe: every call holds a reference on the SafeHandle (the generated marshalling does), so
/// the free runs when the search returns, and a call after Dispose throws ObjectDisposedException.
/// </summary>
public sealed unsafe partial class NativeIndex : IDisposable
{
    private readonly IndexHandle _handle;

    private NativeIndex(IndexHandle handle)
    {
        _handle = handle;
        var info = Info;
        Dimension = checked((int)info.Dim);
        PaddedDimension = checked((int)info.PaddedDim);
        Bits = checked((int)info.Bits);
        CodeBytesPerRow = checked((int)info.CodeBytesPerRow);
        Seed = info.Seed;
    }

    public int Dimension { get; }

    public int PaddedDimension { get; }

    public int Bits { get; }

    public ulong Seed { get; }

    /// <summary>Bytes of one canonical row of packed codes.</summary>
    public int CodeBytesPerRow { get; }

    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Dimension, sizes and counts of the index as it is now.</summary>
    public LodeDbIndexInfo Info
    {
        get
        {
            LodeDbIndexInfo info;
            NativeStatus.Check(NativeMethods.IndexGetInfo(_handle, &info));
            return info;
        }
    }

    /// <summary>Slots in use, live and removed.</summary>
    public ulong SlotCount => Info.SlotCount;

    public ulong LiveCount => Info.LiveCount;

    /// <summary>The bit widths the native core supports (from <see cref="NativeConstants.SupportedBitsMask"/>), ascending: 2 and 4.</summary>
    public static IReadOnlyList<int> SupportedBitWidths { get; } =
        Enumerable.Range(0, 32).Where(b => ((NativeConstants.SupportedBitsMask >> b) & 1u) != 0).ToArray();

    /// <summary>True when <paramref name="bits"/> is a bit width the native core supports
    /// (<see cref="NativeConstants.SupportedBitsMask"/>): validate with this, not a copy of the list.</summary>
    public static bool IsSupportedBitWidth(int bits) => bits is >= 0 and < 32 && ((NativeConstants.SupportedBitsMask >> bits) & 1u) != 0;

    /// <summary>True when <paramref name="dimension"/> is in 1..<see cref="NativeConstants.MaxDimension"/>.</summary>
    public static bool IsSupportedDimension(int dimension) => dimension is >= 1 and <= NativeConstants.MaxDimension;

    /// <summary>An empty index. bits is 2 or 4, dimension 1..<see cref="NativeConstants.MaxDimension"/>;
    /// the seed fixes the rotation.</summary>
    public static NativeIndex Create(int dimension, int bits, ulong seed)
    {
        AbiCheck.Ensure();
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        return Wrap(NativeMethods.IndexCreate((uint)dimension, (uint)bits, seed, out IndexHandle handle), handle);
    }

    /// <summary>Encodes vectors (count * Dimension floats, row-major) into new slots, all or
    /// nothing. Returns the first new slot; the others follow consecutively.</summary>
    public ulong Add(ReadOnlySpan<float> vectors)
    {
        ulong count = RowCount(vectors, nameof(vectors));
        ulong first;
        fixed (float* v = vectors)
        {
            NativeStatus.Check(NativeMethods.IndexAdd(_handle, v, count, &first));
        }
        return first;
    }

    /// <summary>Encodes one vector into an existing slot (a removed slot becomes live again).</summary>
    public void Replace(ulong slot, ReadOnlySpan<float> vector)
    {
        RequireLength(vector.Length, Dimension, nameof(vector));
        fixed (float* v = vector)
        {
            NativeStatus.Check(NativeMethods.IndexReplace(_handle, slot, v));
        }
    }

    /// <summary>Marks a slot removed. Removing a removed slot throws <see cref="SlotOutOfRangeException"/>.</summary>
    public void Remove(ulong slot)
    {
        NativeStatus.Check(NativeMethods.IndexRemove(_handle, slot));
    }

    public bool IsLive(ulong slot)
    {
        int live;
        NativeStatus.Check(NativeMethods.IndexIsLive(_handle, slot, &live));
        return live != 0;
    }

    /// <summary>Drops removed slots; returns each old slot's new number (NoSlot for removed ones).</summary>
    public ulong[] Compact()
    {
        var map = new ulong[checked((int)SlotCount)];
        Compact(map);
        return map;
    }

    /// <summary>Drops removed slots; <paramref name="oldToNew"/> must hold exactly SlotCount entries.</summary>
    public void Compact(Span<ulong> oldToNew)
    {
        fixed (ulong* map = oldToNew)
        {
            NativeStatus.Check(NativeMethods.IndexCompact(_handle, map, (ulong)oldToNew.Length));
        }
    }

    /// <summary>
    /// Keeps (true) or drops (false) the in-memory sign sketch (lodedb_index_set_sketch): while
    /// kept, the candidate searches (<see cref="SearchCandidates(ReadOnlySpan{float}, int, int, Span{ulong}, Span{float}, Span{uint})"/>
    /// and the document form) rank by one bit per coordinate, reading a quarter (4-bit) or half
    /// (2-bit) of the code bytes, for callers that re-score the candidates from full vectors.
    /// Costs padded dimension / 8 bytes per slot; never saved.
    /// </summary>
    public void SetSketch(bool enabled) => NativeStatus.Check(NativeMethods.IndexSetSketch(_handle, enabled ? 1 : 0));

    /// <summary>Encodes vectors to canonical rows without adding them: codes gets
    /// count * CodeBytesPerRow bytes and scales count floats.</summary>
    public void Encode(ReadOnlySpan<float> vectors, Span<byte> codes, Span<float> scales)
    {
        ulong count = RowCount(vectors, nameof(vectors));
        fixed (float* v = vectors)
        fixed (byte* c = codes)
        fixed (float* s = scales)
        {
            NativeStatus.Check(NativeMethods.Encode(_handle, v, count, c, (nuint)codes.Length, s, (nuint)scales.Length));
        }
    }

    /// <summary>Copies the canonical rows of slots firstSlot..firstSlot+scales.Length-1 (removed
    /// ones included); codes holds scales.Length * CodeBytesPerRow bytes.</summary>
    public void ExportRows(ulong firstSlot, Span<byte> codes, Span<float> scales)
    {
        fixed (byte* c = codes)
        fixed (float* s = scales)
        {
            NativeStatus.Check(NativeMethods.IndexExportRows(_handle, firstSlot, (ulong)scales.Length,
                c, (nuint)codes.Length, s, (nuint)scales.Length));
        }
    }

    /// <summary>Appends canonical rows (one per scale) as new live slots; returns the first.</summary>
    public ulong ImportRows(ReadOnlySpan<byte> codes, ReadOnlySpan<float> scales)
    {
        ulong first;
        fixed (byte* c = codes)
        fixed (float* s = scales)
        {
            NativeStatus.Check(NativeMethods.IndexImportRows(_handle, c, (nuint)codes.Length, s,
                (nuint)scales.Length, (ulong)scales.Length, &first));
        }
        return first;
    }

    /// <summary>Overwrites one slot with a canonical row (a removed slot becomes live again).</summary>
    public void ReplaceRow(ulong slot, ReadOnlySpan<byte> code, float scale)
    {
        fixed (byte* c = code)
        {
            NativeStatus.Check(NativeMethods.IndexReplaceRow(_handle, slot, c, (nuint)code.Length, scale));
        }
    }

    /// <summary>The estimated score of one query against the given slots (re-ranking).</summary>
    public void ScoreSlots(ReadOnlySpan<float> query, ReadOnlySpan<ulong> slots, Span<float> scores)
    {
        RequireLength(query.Length, Dimension, nameof(query));
        RequireAtLeast(scores.Length, (ulong)slots.Length, nameof(scores));
        fixed (float* q = query)
        fixed (ulong* s = slots)
        fixed (float* outScores = scores)
        {
            NativeStatus.Check(NativeMethods.IndexScoreSlots(_handle, q, s, (ulong)slots.Length, outScores));
        }
    }

    public float[] ScoreSlots(ReadOnlySpan<float> query, ReadOnlySpan<ulong> slots)
    {
        var scores = new float[slots.Length];
        ScoreSlots(query, slots, scores);
        return scores;
    }

    /// <summary>Bytes <see cref="Serialize(Span{byte})"/> needs now.</summary>
    public long SerializedLength
    {
        get
        {
            nuint length;
            NativeStatus.Check(NativeMethods.IndexSerialize(_handle, null, 0, &length));
            return checked((long)length);
        }
    }

    /// <summary>Serialises the index into destination; returns the bytes written.</summary>
    public int Serialize(Span<byte> destination)
    {
        nuint length;
        fixed (byte* d = destination)
        {
            NativeStatus.Check(NativeMethods.IndexSerialize(_handle, d, (nuint)destination.Length, &length));
        }
        return checked((int)length);
    }

    public byte[] Serialize()
    {
        var buffer = new byte[checked((int)SerializedLength)];
        int written = Serialize(buffer);
        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Rebuilds an index from serialised bytes (validated: magic, version, header, CRCs).</summary>
    public static NativeIndex Deserialize(ReadOnlySpan<byte> data)
    {
        AbiCheck.Ensure();
        fixed (byte* d = data)
        {
            return Wrap(NativeMethods.IndexDeserialize(d, (nuint)data.Length, out IndexHandle handle), handle);
        }
    }

    /// <summary>Parses and validates only the snapshot header of serialised bytes.</summary>
    public static LodeDbSnapshotHeader ReadSnapshotHeader(ReadOnlySpan<byte> data)
    {
        AbiCheck.Ensure();
        LodeDbSnapshotHeader header;
        fixed (byte* d = data)
        {
            NativeStatus.Check(NativeMethods.SnapshotReadHeader(d, (nuint)data.Length, &header));
        }
        return header;
    }

    /// <summary>Writes the serialised index to path (created or truncated; rename into place
    /// yourself). sync: fsync before returning.</summary>
    public void Save(string path, bool sync = false)
    {
        byte[] pathUtf8 = NativeUtf8.ToNullTerminated(path, nameof(path));
        fixed (byte* p = pathUtf8)
        {
            NativeStatus.Check(NativeMethods.IndexSave(_handle, p, sync ? (uint)NativeConstants.FlagSync : 0u));
        }
    }

    public static NativeIndex Load(string path)
    {
        AbiCheck.Ensure();
        byte[] pathUtf8 = NativeUtf8.ToNullTerminated(path, nameof(path));
        fixed (byte* p = pathUtf8)
        {
            return Wrap(NativeMethods.IndexLoad(p, out IndexHandle handle), handle);
        }
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Owns the handle a create/load call made, or throws its status (the handle is then invalid).</summary>
    private static NativeIndex Wrap(LodeDbStatus status, IndexHandle handle)
    {
        try
        {
            NativeStatus.Check(status);
            return new NativeIndex(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private ulong RowCount(ReadOnlySpan<float> vectors, string paramName)
    {
        if (vectors.Length % Dimension != 0)
        {
            throw new ArgumentException(
                $"Expected a multiple of the index dimension {Dimension} floats, got {vectors.Length}.", paramName);
        }
        return (ulong)(vectors.Length / Dimension);
    }

    private static void RequireLength(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} elements, got {actual}.", paramName);
        }
    }

    private static void RequireAtLeast(int actual, ulong needed, string paramName)
    {
        if ((ulong)actual < needed)
        {
            throw new ArgumentException($"Expected at least {needed} elements, got {actual}.", paramName);
        }
    }
}
