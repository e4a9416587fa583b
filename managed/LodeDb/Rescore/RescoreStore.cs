using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace LodeDb;

/// <summary>
/// The re-score sidecar of one handle: row s holds the original vector of native slot s. Rows of
/// the loaded base generation stay in a read-only memory-mapped <c>index.g{B}.rescore</c> file;
/// rows written since (appended or replaced slots) live in a managed overflow until the next
/// checkpoint writes a new file. A compaction re-keys both without copying a mapped row.
/// Reads are thread-safe while no mutation runs (the database's read/write lock).
/// </summary>
/// <remarks>
/// File layout (little-endian): magic <c>LDBRSCR1</c> (8), version u32 (1), kind u32 (1 int8,
/// 2 float16), dimension u32, row bytes u32, row count u64, generation u64, reserved (16 bytes,
/// 0), header CRC32C u32 of bytes 0..59 at offset 60; rows from offset 64, row count times row
/// bytes, in slot order. The rows carry no checksum (they are mapped, never read whole).
/// </remarks>
internal sealed class RescoreStore : IDisposable
{
    public const int HeaderBytes = 64;
    public const uint FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "LDBRSCR1"u8;

    private readonly Dictionary<int, byte[]> _overflow = new();
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;
    private long _baseRows;
    private int[]? _baseIndex;
    private int _slotCount;

    private RescoreStore(RescoreStorage kind, int dimension)
    {
        Kind = kind;
        Dimension = dimension;
        RowBytes = RescoreCodec.RowBytes(kind, dimension);
    }

    public RescoreStorage Kind { get; }

    public int Dimension { get; }

    public int RowBytes { get; }

    /// <summary>Rows (one per native slot, live or removed).</summary>
    public int SlotCount => _slotCount;

    /// <summary>True when the rows of a base generation are mapped from its file.</summary>
    public bool IsMapped => _view is not null;

    /// <summary>Bytes of the mapped file (0 when none).</summary>
    public long FileBytes { get; private set; }

    /// <summary>Rows held in managed memory (written since the mapped file).</summary>
    public int OverflowRows => _overflow.Count;

    public static RescoreStore CreateEmpty(RescoreStorage kind, int dimension) => new(kind, dimension);

    /// <summary>Maps the sidecar <paramref name="path"/>; any defect is <see cref="CorruptDatabaseException"/> naming <paramref name="name"/>.</summary>
    public static RescoreStore Open(string path, string name, RescoreStorage kind, int dimension, long generation, long expectedRows)
    {
        var store = new RescoreStore(kind, dimension);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            if (stream.Length < HeaderBytes)
            {
                throw new CorruptDatabaseException(name, $"it holds {stream.Length} bytes, shorter than its {HeaderBytes}-byte header");
            }

            stream.ReadExactly(header);
            if (!header[..8].SequenceEqual(Magic))
            {
                throw new CorruptDatabaseException(name, "bad magic (not a LodeDb re-score sidecar)");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(header[60..]) != LodeDb.Native.NativeLibraryInfo.Crc32C(header[..60]))
            {
                throw new CorruptDatabaseException(name, "header CRC32C mismatch");
            }

            uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            uint fileKind = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            uint fileDim = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            uint rowBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            ulong rows = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            ulong fileGeneration = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
            if (version != FormatVersion)
            {
                throw new CorruptDatabaseException(name, $"format version {version}, this LodeDb reads {FormatVersion}");
            }

            if (fileKind != (uint)kind || fileDim != (uint)dimension || rowBytes != (uint)store.RowBytes)
            {
                throw new CorruptDatabaseException(name, $"it holds kind {fileKind}, {fileDim}-d rows of {rowBytes} bytes; the index records {kind} {dimension}-d rows of {store.RowBytes} bytes");
            }

            if (fileGeneration != (ulong)generation || rows != (ulong)expectedRows)
            {
                throw new CorruptDatabaseException(name, $"it holds {rows} rows of generation {fileGeneration}; the index expects {expectedRows} rows of generation {generation}");
            }

            long expectedLength = checked(HeaderBytes + (long)rows * rowBytes);
            if (stream.Length != expectedLength)
            {
                throw new CorruptDatabaseException(name, $"it holds {stream.Length} bytes, its header announces {expectedLength}");
            }

            store._file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            stream = null!;
            store._view = store._file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            store._baseRows = (long)rows;
            store._slotCount = checked((int)rows);
            store.FileBytes = expectedLength;
            return store;
        }
        catch
        {
            stream?.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>Replaces the row of an existing slot.</summary>
    public void Set(int slot, ReadOnlySpan<byte> row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slot, (uint)_slotCount, nameof(slot));
        _overflow[slot] = CheckRow(row);
    }

    /// <summary>Appends the row of the next slot.</summary>
    public void Append(ReadOnlySpan<byte> row)
    {
        _overflow[_slotCount] = CheckRow(row);
        _slotCount++;
    }

    /// <summary>Follows a native compaction: <paramref name="map"/> gives each old slot's new slot, or ulong.MaxValue when dropped.</summary>
    public void Compact(ReadOnlySpan<ulong> map)
    {
        if (map.Length != _slotCount)
        {
            throw new InvalidOperationException($"A compaction map of {map.Length} slots for a sidecar of {_slotCount} rows.");
        }

        int count = 0;
        foreach (ulong target in map)
        {
            if (target != ulong.MaxValue)
            {
                count = Math.Max(count, checked((int)target + 1));
            }
        }

        var baseIndex = new int[count];
        Array.Fill(baseIndex, -1);
        var overflow = new Dictionary<int, byte[]>();
        for (int old = 0; old < map.Length; old++)
        {
            if (map[old] == ulong.MaxValue)
            {
                continue;
            }

            int slot = (int)map[old];
            if (_overflow.TryGetValue(old, out byte[]? row))
            {
                overflow[slot] = row;
            }
            else
            {
                baseIndex[slot] = BaseRowOf(old);
            }
        }

        _overflow.Clear();
        foreach ((int slot, byte[] row) in overflow)
        {
            _overflow[slot] = row;
        }

        _baseIndex = baseIndex;
        _slotCount = count;
    }

    /// <summary>Copies the row of <paramref name="slot"/> (zeros for a slot that never had one).</summary>
    public void ReadRow(int slot, Span<byte> destination)
    {
        destination = destination[..RowBytes];
        if (_overflow.TryGetValue(slot, out byte[]? row))
        {
            row.CopyTo(destination);
            return;
        }

        int baseRow = (uint)slot < (uint)_slotCount ? BaseRowOf(slot) : -1;
        if (baseRow < 0 || _view is null)
        {
            destination.Clear();
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_view.PointerOffset + HeaderBytes + (long)baseRow * RowBytes), destination);
    }

    /// <summary>The exact score of <paramref name="slot"/> against a normalised query.</summary>
    public float Score(ReadOnlySpan<float> query, int slot, Span<byte> row, Span<float> scratch)
    {
        ReadRow(slot, row);
        return RescoreCodec.Score(Kind, query, row[..RowBytes], scratch);
    }

    /// <summary>
    /// The exact scores of <paramref name="slots"/> against a normalised query into
    /// <paramref name="scores"/> (0 for a slot that never had a row); <paramref name="scratch"/>
    /// holds <see cref="Dimension"/> floats. Mapped rows are read in place through one pointer
    /// acquired for the whole call (no copy, no per-row handle reference count). Compiled
    /// optimised from the first call, as the per-query loop over candidates is the hot path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Score(ReadOnlySpan<float> query, ReadOnlySpan<ulong> slots, Span<float> scores, Span<float> scratch)
    {
        scores = scores[..slots.Length];
        SafeMemoryMappedViewHandle? handle = _view?.SafeMemoryMappedViewHandle;
        byte* mapped = null;
        bool acquired = false;
        try
        {
            if (handle is not null)
            {
                handle.AcquirePointer(ref mapped);
                acquired = true;
                mapped += _view!.PointerOffset + HeaderBytes;
            }

            bool overflow = _overflow.Count != 0;
            for (int i = 0; i < slots.Length; i++)
            {
                int slot = checked((int)slots[i]);
                if (overflow && _overflow.TryGetValue(slot, out byte[]? row))
                {
                    scores[i] = RescoreCodec.Score(Kind, query, row, scratch);
                    continue;
                }

                int baseRow = (uint)slot < (uint)_slotCount ? BaseRowOf(slot) : -1;
                scores[i] = baseRow < 0 || mapped is null
                    ? 0f
                    : RescoreCodec.Score(Kind, query, new ReadOnlySpan<byte>(mapped + (long)baseRow * RowBytes, RowBytes), scratch);
            }
        }
        finally
        {
            if (acquired)
            {
                handle!.ReleasePointer();
            }
        }
    }

    /// <summary>Writes every row to <paramref name="path"/> as generation <paramref name="generation"/>: a temp file (fsynced under <paramref name="sync"/>) renamed into place.</summary>
    public void Write(string path, long generation, bool sync)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Kind);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)Dimension);
            BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)RowBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], (ulong)_slotCount);
            BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)generation);
            BinaryPrimitives.WriteUInt32LittleEndian(header[60..], LodeDb.Native.NativeLibraryInfo.Crc32C(header[..60]));
            stream.Write(header);
            byte[] row = new byte[RowBytes];
            for (int slot = 0; slot < _slotCount; slot++)
            {
                ReadRow(slot, row);
                stream.Write(row);
            }

            stream.Flush(sync);
        }

        File.Move(temp, path, overwrite: true);
    }

    public void Dispose()
    {
        _view?.Dispose();
        _view = null;
        _file?.Dispose();
        _file = null;
    }

    private int BaseRowOf(int slot)
    {
        if (_baseIndex is not null)
        {
            return slot < _baseIndex.Length ? _baseIndex[slot] : -1;
        }

        return slot < _baseRows ? slot : -1;
    }

    private byte[] CheckRow(ReadOnlySpan<byte> row) =>
        row.Length == RowBytes ? row.ToArray() : throw new FormatException($"a re-score row of {row.Length} bytes for rows of {RowBytes}");
}
