using System.Buffers.Binary;
using System.Globalization;

namespace LodeDb;

/// <summary>
/// The 64-byte header of an <c>index.g{B}.rescore</c> file and the layout it implies
/// (docs/file-formats.md). Version 2 follows the rows with a table of one CRC32C per block of
/// <see cref="BlockRows"/> rows; version 1 (no table) is still read.
/// </summary>
/// <remarks>
/// Layout (little-endian): magic <c>LDBRSCR1</c> (8), version u32, kind u32 (1 int8, 2 float16),
/// dimension u32, row bytes u32, row count u64, generation u64, then in version 2 rows per block
/// u32 (40) and the CRC32C of the block table u32 (44), reserved zeros to 59 (version 1: zeros
/// from 40), and the CRC32C of bytes 0..59 at 60. Rows from offset 64, row count times row
/// bytes, in slot order; in version 2 the block table right after them.
/// </remarks>
internal readonly record struct RescoreFileHeader(
    uint Version, uint KindCode, uint Dimension, uint RowBytes, ulong Rows, ulong Generation, uint BlockRows, uint TableCrc)
{
    public const int Bytes = 64;
    public const uint CurrentVersion = 2;

    /// <summary>
    /// Rows are checksummed in blocks of about 64 KiB: big enough that the per-call cost of the
    /// native CRC32C vanishes and the table stays small (0.006% of the rows), small enough that
    /// an audit points at a few hundred rows.
    /// </summary>
    public const int BlockBytes = 1 << 16;

    private static ReadOnlySpan<byte> Magic => "LDBRSCR1"u8;

    public RescoreStorage Kind => (RescoreStorage)KindCode;

    /// <summary>Rows per block of a new file with rows of <paramref name="rowBytes"/>.</summary>
    public static uint BlockRowsFor(int rowBytes) => (uint)Math.Max(1, BlockBytes / rowBytes);

    public bool HasBlockTable => Version >= 2;

    /// <summary>Blocks of rows: checksummed ones in version 2, the same slices (unchecksummed) in version 1.</summary>
    public long BlockCount => ((long)Rows + EffectiveBlockRows - 1) / EffectiveBlockRows;

    /// <summary>Rows per block; version 1 has no blocks on disk, so the value checks use a new file's.</summary>
    public long EffectiveBlockRows => HasBlockTable ? BlockRows : BlockRowsFor((int)RowBytes);

    public long TableOffset => Bytes + (long)Rows * RowBytes;

    public long TableBytes => HasBlockTable ? 4 * BlockCount : 0;

    public long FileLength => TableOffset + TableBytes;

    public long RowOffset(long row) => Bytes + (row * RowBytes);

    /// <summary>Writes the header (its CRC included) into the first 64 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        Span<byte> header = destination[..Bytes];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], KindCode);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Dimension);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], RowBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], Rows);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], Generation);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], BlockRows);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], TableCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], LodeDb.Native.NativeLibraryInfo.Crc32C(header[..60]));
    }

    /// <summary>
    /// Reads a header and checks what it can check alone (magic, CRC, reserved zeros, version,
    /// kind, row bytes, row count, block size). Returns null and adds the problem when it fails.
    /// </summary>
    public static RescoreFileHeader? Read(ReadOnlySpan<byte> bytes, string name, List<StorageProblem> problems)
    {
        if (bytes.Length < Bytes)
        {
            problems.Add(new StorageProblem(name, bytes.Length, Say($"the file ends at {bytes.Length} bytes, inside its {Bytes}-byte header")));
            return null;
        }

        if (!bytes[..8].SequenceEqual(Magic))
        {
            problems.Add(new StorageProblem(name, 0, "bad magic (not a LodeDb re-score sidecar)"));
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[60..]) != LodeDb.Native.NativeLibraryInfo.Crc32C(bytes[..60]))
        {
            problems.Add(new StorageProblem(name, 60, "header CRC32C mismatch"));
            return null;
        }

        var header = new RescoreFileHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[40..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[44..]));
        int reserved = header.HasBlockTable ? 48 : 40;
        if (bytes[reserved..60].IndexOfAnyExcept((byte)0) is int nonzero and >= 0)
        {
            problems.Add(new StorageProblem(name, reserved + nonzero, "a reserved header byte is not zero"));
            return null;
        }

        string? problem = header.Problem(out long offset);
        if (problem is not null)
        {
            problems.Add(new StorageProblem(name, offset, problem));
            return null;
        }

        return header;
    }

    private string? Problem(out long offset)
    {
        offset = 8;
        if (Version is not (1 or CurrentVersion))
        {
            return Say($"format version {Version}, this LodeDb reads 1 and {CurrentVersion}");
        }

        offset = 12;
        if (Kind is not (RescoreStorage.Int8 or RescoreStorage.Float16) || Dimension is 0 or > int.MaxValue / 2)
        {
            return Say($"kind {KindCode} with dimension {Dimension} is not a re-score row format");
        }

        offset = 20;
        if (RowBytes != (uint)RescoreCodec.RowBytes(Kind, (int)Dimension))
        {
            return Say($"rows of {RowBytes} bytes, {Kind} {Dimension}-d rows have {RescoreCodec.RowBytes(Kind, (int)Dimension)}");
        }

        offset = 24;
        if (Rows > int.MaxValue || (long)Rows * RowBytes > long.MaxValue / 2)
        {
            return Say($"{Rows} rows, more than an index holds");
        }

        offset = 40;
        // The block size follows from the row size: a header that names another one was not
        // written by LodeDb (a different block size is a new format version).
        if (HasBlockTable && (BlockRows != BlockRowsFor((int)RowBytes) || TableBytes > int.MaxValue))
        {
            return Say($"blocks of {BlockRows} rows; rows of {RowBytes} bytes come in blocks of {BlockRowsFor((int)RowBytes)}");
        }

        return null;
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
