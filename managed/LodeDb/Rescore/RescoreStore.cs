using System.Buffers.Binary;
using System.Globalization;
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
/// The file layout is <see cref="RescoreFileHeader"/>'s: a 64-byte header, the rows from offset
/// 64, then a CRC32C per block of rows. Every block and every row's values are verified when
/// the file is mapped, so a ranking only ever sees verified rows; a score outside what a unit
/// vector can give (a row changed under the mapping) is refused too.
/// </remarks>
internal sealed class RescoreStore : IDisposable
{
    public const int HeaderBytes = RescoreFileHeader.Bytes;

    private readonly Dictionary<int, byte[]> _overflow = new();
    private readonly float _scoreBound;
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;
    private RescoreFileHeader _header;
    private long _baseRows;
    private int[]? _baseIndex;
    private int _slotCount;

    private RescoreStore(RescoreStorage kind, int dimension)
    {
        Kind = kind;
        Dimension = dimension;
        RowBytes = RescoreCodec.RowBytes(kind, dimension);
        _scoreBound = RescoreCodec.ScoreBound(kind, dimension);
    }

    public RescoreStorage Kind { get; }

    public int Dimension { get; }

    public int RowBytes { get; }

    /// <summary>Rows (one per native slot, live or removed).</summary>
    public int SlotCount => _slotCount;

    /// <summary>True when the rows of a base generation are mapped from its file.</summary>
    public bool IsMapped => _view is not null;

    /// <summary>The mapped file's name in the database folder (null when none).</summary>
    public string? FileName { get; private set; }

    /// <summary>Bytes of the mapped file (0 when none).</summary>
    public long FileBytes { get; private set; }

    /// <summary>Rows held in managed memory (written since the mapped file).</summary>
    public int OverflowRows => _overflow.Count;

    public static RescoreStore CreateEmpty(RescoreStorage kind, int dimension) => new(kind, dimension);

    /// <summary>
    /// Maps the sidecar <paramref name="path"/> after verifying all of it (header, expectations,
    /// length, block table, every block's CRC32C, every row's values); any defect is
    /// <see cref="CorruptDatabaseException"/> naming <paramref name="name"/> and the offset.
    /// </summary>
    public static RescoreStore Open(string path, string name, RescoreStorage kind, int dimension, long generation, long expectedRows)
    {
        var store = new RescoreStore(kind, dimension);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var problems = new List<StorageProblem>();
            Span<byte> headerBytes = stackalloc byte[HeaderBytes];
            int read = stream.ReadAtLeast(headerBytes, HeaderBytes, throwOnEndOfStream: false);
            RescoreFileHeader? parsed = RescoreFileHeader.Read(headerBytes[..read], name, problems);
            if (parsed is RescoreFileHeader header)
            {
                RescoreFileCheck.CheckExpected(header, name, kind, dimension, generation, expectedRows, problems);
                if (problems.Count == 0)
                {
                    RescoreFileCheck.CheckLength(header, name, stream.Length, problems);
                }
            }

            ThrowIfAny(problems);
            store._header = parsed!.Value;
            store.FileName = name;
            store.FileBytes = stream.Length;
            store._file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            stream = null!;
            store._view = store._file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            store._baseRows = (long)store._header.Rows;
            store._slotCount = checked((int)store._header.Rows);
            store.Verify();
            return store;
        }
        catch
        {
            stream?.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Verifies the mapped file: the block table's CRC, every block's CRC32C and every row's
    /// values, through the mapping (what a query reads is what was verified). Throws
    /// <see cref="CorruptDatabaseException"/> at the first problem.
    /// </summary>
    private unsafe void Verify()
    {
        SafeMemoryMappedViewHandle handle = _view!.SafeMemoryMappedViewHandle;
        byte* file = null;
        handle.AcquirePointer(ref file);
        try
        {
            file += _view.PointerOffset;
            RescoreFileHeader header = _header;
            var problems = new List<StorageProblem>();
            var table = new ReadOnlySpan<byte>(file + header.TableOffset, checked((int)header.TableBytes));
            if (header.HasBlockTable)
            {
                RescoreFileCheck.CheckTable(header, FileName!, table, problems);
            }

            for (long b = 0; b < header.BlockCount && problems.Count == 0; b++)
            {
                long firstRow = b * header.EffectiveBlockRows;
                long rows = Math.Min(header.EffectiveBlockRows, (long)header.Rows - firstRow);
                var block = new ReadOnlySpan<byte>(file + header.RowOffset(firstRow), checked((int)(rows * RowBytes)));
                RescoreFileCheck.CheckBlock(header, FileName!, b, block, header.HasBlockTable ? RescoreFileCheck.TableEntry(table, b) : null, problems, 1);
            }

            ThrowIfAny(problems);
        }
        finally
        {
            handle.ReleasePointer();
        }
    }

    private static void ThrowIfAny(List<StorageProblem> problems)
    {
        if (problems.Count != 0)
        {
            StorageProblem first = problems[0];
            throw new CorruptDatabaseException(first.File, string.Create(CultureInfo.InvariantCulture, $"at offset {first.Offset}: {first.Detail}"));
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
        return CheckScore(RescoreCodec.Score(Kind, query, row[..RowBytes], scratch), slot);
    }

    /// <summary>
    /// The exact scores of <paramref name="slots"/> against a normalised query into
    /// <paramref name="scores"/> (0 for a slot that never had a row); <paramref name="scratch"/>
    /// holds <see cref="Dimension"/> floats. Mapped rows are read in place through one pointer
    /// acquired for the whole call (no copy, no per-row handle reference count). Compiled
    /// optimised from the first call, as the per-query loop over candidates is the hot path.
    /// A score no unit vector can give (the file changed under the mapping after it was
    /// verified) is <see cref="CorruptDatabaseException"/>: it never reaches a ranking.
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
                float score;
                if (overflow && _overflow.TryGetValue(slot, out byte[]? row))
                {
                    score = RescoreCodec.Score(Kind, query, row, scratch);
                }
                else
                {
                    int baseRow = (uint)slot < (uint)_slotCount ? BaseRowOf(slot) : -1;
                    score = baseRow < 0 || mapped is null
                        ? 0f
                        : RescoreCodec.Score(Kind, query, new ReadOnlySpan<byte>(mapped + (long)baseRow * RowBytes, RowBytes), scratch);
                }

                // One compare per candidate; NaN fails it too.
                scores[i] = MathF.Abs(score) <= _scoreBound ? score : CheckScore(score, slot);
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

    /// <summary>
    /// Writes every row to <paramref name="path"/> as generation <paramref name="generation"/>
    /// (format version 2: the rows, then one CRC32C per block): a temp file (fsynced under
    /// <paramref name="sync"/>) renamed into place. Every row's values are checked as written,
    /// and the mapped file the base rows came from is verified again after the copy, so damage
    /// done to it since the open is reported rather than sealed under new checksums.
    /// </summary>
    public void Write(string path, long generation, bool sync)
    {
        string temp = path + ".tmp";
        var header = new RescoreFileHeader(RescoreFileHeader.CurrentVersion, (uint)Kind, (uint)Dimension, (uint)RowBytes,
            (ulong)_slotCount, (ulong)generation, RescoreFileHeader.BlockRowsFor(RowBytes), 0);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                stream.Write(new byte[HeaderBytes]); // rewritten below, once the table's CRC is known
                byte[] table = new byte[checked((int)header.TableBytes)];
                byte[] block = new byte[checked((int)(header.BlockRows * RowBytes))];
                for (long b = 0; b < header.BlockCount; b++)
                {
                    int first = checked((int)(b * header.BlockRows));
                    int rows = Math.Min((int)header.BlockRows, _slotCount - first);
                    Span<byte> bytes = block.AsSpan(0, rows * RowBytes);
                    for (int r = 0; r < rows; r++)
                    {
                        Span<byte> row = bytes.Slice(r * RowBytes, RowBytes);
                        ReadRow(first + r, row);
                        if (RescoreCodec.RowProblem(Kind, row) is string problem)
                        {
                            throw RowDamage(first + r, problem);
                        }
                    }

                    BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(checked((int)(4 * b))), LodeDb.Native.NativeLibraryInfo.Crc32C(bytes));
                    stream.Write(bytes);
                }

                stream.Write(table);
                Span<byte> headerBytes = stackalloc byte[HeaderBytes];
                (header with { TableCrc = LodeDb.Native.NativeLibraryInfo.Crc32C(table) }).Write(headerBytes);
                stream.Position = 0;
                stream.Write(headerBytes);
                stream.Flush(sync);
            }

            if (_view is not null)
            {
                Verify();
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
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

    /// <summary>A copy of a row to keep, or <see cref="FormatException"/> (a replayed record then names the log) when no unit vector has it.</summary>
    private byte[] CheckRow(ReadOnlySpan<byte> row)
    {
        if (row.Length != RowBytes)
        {
            throw new FormatException($"a re-score row of {row.Length} bytes for rows of {RowBytes}");
        }

        return RescoreCodec.RowProblem(Kind, row) is string problem ? throw new FormatException($"a re-score row where {problem}") : row.ToArray();
    }

    /// <summary><paramref name="score"/> when a unit vector can give it, else the error naming the row it came from.</summary>
    private float CheckScore(float score, int slot)
    {
        if (MathF.Abs(score) <= _scoreBound)
        {
            return score;
        }

        throw RowDamage(slot, string.Create(CultureInfo.InvariantCulture, $"it scores {score} against a unit query (a unit vector scores within +-{_scoreBound}); the file changed after it was verified"));
    }

    /// <summary>The error for a bad row of <paramref name="slot"/>: in the mapped file, named with its offset; in memory, a broken invariant (rows are checked before they are kept).</summary>
    private Exception RowDamage(int slot, string problem)
    {
        int baseRow = _overflow.ContainsKey(slot) || (uint)slot >= (uint)_slotCount ? -1 : BaseRowOf(slot);
        return baseRow < 0 || FileName is null
            ? new InvalidOperationException($"The in-memory re-score row of slot {slot} is invalid: {problem}.")
            : new CorruptDatabaseException(FileName, string.Create(CultureInfo.InvariantCulture, $"at offset {_header.RowOffset(baseRow)}: row {baseRow}: {problem}"));
    }
}
