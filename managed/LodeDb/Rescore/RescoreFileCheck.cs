using System.Buffers.Binary;
using System.Globalization;

namespace LodeDb;

/// <summary>
/// The checks of an <c>index.g{B}.rescore</c> file beyond its header: what the index expects of
/// it, its size, the block table's CRC, each block's CRC32C and every row's values. The open
/// stops at the first problem (<see cref="RescoreStore.Open"/>); <see cref="Audit"/> reports all.
/// </summary>
internal static class RescoreFileCheck
{
    /// <summary>Adds a problem when the header disagrees with what the index records (any expectation may be null: not checked).</summary>
    public static void CheckExpected(RescoreFileHeader header, string name, RescoreStorage? kind, int? dimension, long? generation, long? rows, List<StorageProblem> problems)
    {
        if ((kind is not null && header.Kind != kind) || (dimension is not null && header.Dimension != (uint)dimension))
        {
            problems.Add(new StorageProblem(name, 12, Say($"it holds {header.Kind} {header.Dimension}-d rows; the index records {kind} {dimension}-d rows")));
        }

        if ((generation is not null && header.Generation != (ulong)generation) || (rows is not null && header.Rows != (ulong)rows))
        {
            problems.Add(new StorageProblem(name, 24, Say($"it holds {header.Rows} rows of generation {header.Generation}; the index expects {rows?.ToString(CultureInfo.InvariantCulture) ?? "any number of"} rows of generation {generation?.ToString(CultureInfo.InvariantCulture) ?? "any"}")));
        }
    }

    /// <summary>Adds a problem when the file is not exactly as long as its header says.</summary>
    public static void CheckLength(RescoreFileHeader header, string name, long fileLength, List<StorageProblem> problems)
    {
        if (fileLength != header.FileLength)
        {
            problems.Add(new StorageProblem(name, Math.Min(fileLength, header.FileLength),
                Say($"it holds {fileLength} bytes, its header announces {header.FileLength} ({header.Rows} rows of {header.RowBytes} bytes{(header.HasBlockTable ? $" and {header.BlockCount} block CRCs" : "")})")));
        }
    }

    /// <summary>Adds a problem when the block table does not match the CRC the header keeps of it.</summary>
    public static void CheckTable(RescoreFileHeader header, string name, ReadOnlySpan<byte> table, List<StorageProblem> problems)
    {
        if (LodeDb.Native.NativeLibraryInfo.Crc32C(table) != header.TableCrc)
        {
            problems.Add(new StorageProblem(name, header.TableOffset, Say($"the table of {header.BlockCount} block CRCs fails its CRC32C")));
        }
    }

    /// <summary>The CRC32C the table records for <paramref name="block"/>.</summary>
    public static uint TableEntry(ReadOnlySpan<byte> table, long block) => BinaryPrimitives.ReadUInt32LittleEndian(table[checked((int)(4 * block))..]);

    /// <summary>
    /// Checks block <paramref name="block"/> (its rows' bytes): the CRC32C against
    /// <paramref name="expectedCrc"/> (null in a version-1 file), then every row's values.
    /// Stops once <paramref name="problems"/> holds <paramref name="limit"/> problems.
    /// </summary>
    public static void CheckBlock(RescoreFileHeader header, string name, long block, ReadOnlySpan<byte> rows, uint? expectedCrc, List<StorageProblem> problems, int limit)
    {
        long firstRow = block * header.EffectiveBlockRows;
        int rowBytes = (int)header.RowBytes;
        if (expectedCrc is uint expected && LodeDb.Native.NativeLibraryInfo.Crc32C(rows) != expected)
        {
            problems.Add(new StorageProblem(name, header.RowOffset(firstRow),
                Say($"block {block} (rows {firstRow}..{firstRow + (rows.Length / rowBytes) - 1}) fails its CRC32C")));
        }

        if (header.Kind == RescoreStorage.Float16)
        {
            // Every byte of a float16 block is a half: one pass over the whole block, then the
            // row of each bad value (the search resumes at the next row).
            for (int at = 0; problems.Count < limit;)
            {
                int bad = RescoreCodec.FirstHalfAboveOne(rows[at..]);
                if (bad < 0)
                {
                    break;
                }

                int r = (at + (2 * bad)) / rowBytes;
                ReadOnlySpan<byte> row = rows.Slice(r * rowBytes, rowBytes);
                problems.Add(new StorageProblem(name, header.RowOffset(firstRow + r), Say($"row {firstRow + r}: {RescoreCodec.HalfProblem(row, RescoreCodec.FirstHalfAboveOne(row))}")));
                at = (r + 1) * rowBytes;
            }

            return;
        }

        for (int r = 0; r < rows.Length / rowBytes && problems.Count < limit; r++)
        {
            if (RescoreCodec.RowProblem(header.Kind, rows.Slice(r * rowBytes, rowBytes)) is string problem)
            {
                problems.Add(new StorageProblem(name, header.RowOffset(firstRow + r), Say($"row {firstRow + r}: {problem}")));
            }
        }
    }

    /// <summary>
    /// Reads the sidecar at <paramref name="path"/> (read-only, nothing is mapped or changed) and
    /// returns every problem found, each with the byte offset where it starts: the header, the
    /// index's expectations (null: not checked), the length, the block table, every block whose
    /// CRC32C fails and every row whose values no unit vector has. Empty when the file is sound.
    /// A missing or unreadable file is one problem, not an exception.
    /// </summary>
    public static IReadOnlyList<StorageProblem> Audit(string path, string name, RescoreStorage? kind = null, int? dimension = null, long? generation = null, long? rows = null)
    {
        var problems = new List<StorageProblem>();
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            long length = stream.Length;
            byte[] headerBytes = new byte[(int)Math.Min(length, RescoreFileHeader.Bytes)];
            stream.ReadExactly(headerBytes);
            if (RescoreFileHeader.Read(headerBytes, name, problems) is not RescoreFileHeader header)
            {
                return problems;
            }

            CheckExpected(header, name, kind, dimension, generation, rows, problems);
            CheckLength(header, name, length, problems);
            if (length < header.FileLength)
            {
                return problems; // the table (or rows) are gone: nothing left to compare against
            }

            byte[] table = new byte[checked((int)header.TableBytes)];
            stream.Position = header.TableOffset;
            stream.ReadExactly(table);
            if (header.HasBlockTable)
            {
                CheckTable(header, name, table, problems);
            }

            byte[] block = new byte[checked((int)(header.EffectiveBlockRows * header.RowBytes))];
            stream.Position = RescoreFileHeader.Bytes;
            for (long b = 0; b < header.BlockCount; b++)
            {
                long blockRows = Math.Min(header.EffectiveBlockRows, (long)header.Rows - (b * header.EffectiveBlockRows));
                Span<byte> bytes = block.AsSpan(0, (int)(blockRows * header.RowBytes));
                stream.ReadExactly(bytes);
                CheckBlock(header, name, b, bytes, header.HasBlockTable ? TableEntry(table, b) : null, problems, int.MaxValue);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new StorageProblem(name, 0, ex is FileNotFoundException ? "the file is missing" : $"the file cannot be read: {ex.Message}"));
        }

        return problems;
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
