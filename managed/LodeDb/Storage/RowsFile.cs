using System.Buffers.Binary;
using System.Text;

namespace LodeDb;

/// <summary>
/// The managed half of a generation: <c>index.g{N}.rows</c> holds, for every native slot, whether
/// it is live and, when it is, its id and metadata. Layout (little-endian):
/// magic "LDBROWS1" (8 bytes), format version u32, reserved u32 (0), generation u64,
/// slot count u64, then per slot: live u8 (0 or 1) and for a live slot id length u32 + UTF-8,
/// metadata length u32 + UTF-8 JSON object (length 0 = no metadata); finally CRC32C u32 of every
/// byte before it. A reader checks the CRC first and never trusts a length.
/// </summary>
internal static class RowsFile
{
    public const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "LDBROWS1"u8;

    public static void Write(string path, long generation, SlotTable rows, bool sync)
    {
        var buffer = new ByteWriter(64 + rows.SlotCount * 16);
        buffer.Bytes(Magic);
        buffer.U32(FormatVersion);
        buffer.U32(0);
        buffer.U64((ulong)generation);
        buffer.U64((ulong)rows.SlotCount);
        for (int slot = 0; slot < rows.SlotCount; slot++)
        {
            string? id = rows.IdAt(slot);
            if (id is null)
            {
                buffer.U8(0);
                continue;
            }

            buffer.U8(1);
            buffer.String(id);
            buffer.Blob(MetadataCodec.Serialize(rows.MetadataAt(slot)));
        }

        buffer.U32(LodeDb.Native.NativeLibraryInfo.Crc32C(buffer.Written));
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(buffer.Written);
        stream.Flush(sync);
    }

    /// <summary>Reads and validates a rows file; any defect is a <see cref="CorruptDatabaseException"/>.</summary>
    public static SlotTable Read(string path, long expectedGeneration)
    {
        byte[] data = File.ReadAllBytes(path);
        string name = Path.GetFileName(path);
        if (data.Length < Magic.Length + 24 + 4 || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CorruptDatabaseException(name, "not a rows file (bad magic or too short)");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4));
        if (stored != LodeDb.Native.NativeLibraryInfo.Crc32C(data.AsSpan(0, data.Length - 4)))
        {
            throw new CorruptDatabaseException(name, "CRC32C mismatch");
        }

        try
        {
            var reader = new ByteReader(data.AsSpan(0, data.Length - 4).ToArray(), Magic.Length);
            uint version = reader.U32();
            if (version != FormatVersion)
            {
                throw new CorruptDatabaseException(name, $"rows format version {version} is not supported (this build reads {FormatVersion})");
            }

            reader.U32();
            long generation = (long)reader.U64();
            if (generation != expectedGeneration)
            {
                throw new CorruptDatabaseException(name, $"it belongs to generation {generation}, the root pointer names {expectedGeneration}");
            }

            ulong slotCount = reader.U64();
            if (slotCount > (ulong)reader.Remaining)
            {
                throw new CorruptDatabaseException(name, $"slot count {slotCount} exceeds the file");
            }

            var table = new SlotTable();
            for (ulong slot = 0; slot < slotCount; slot++)
            {
                byte live = reader.U8();
                if (live == 0)
                {
                    table.AppendDead();
                    continue;
                }

                if (live != 1)
                {
                    throw new CorruptDatabaseException(name, $"slot {slot} has live flag {live}");
                }

                string id = reader.String();
                var metadata = MetadataCodec.Deserialize(reader.Blob());
                if (!table.TryAppendLive(id, metadata))
                {
                    throw new CorruptDatabaseException(name, $"id '{id}' appears twice");
                }
            }

            if (reader.Remaining != 0)
            {
                throw new CorruptDatabaseException(name, $"{reader.Remaining} unexpected bytes after the last slot");
            }

            return table;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException or DecoderFallbackException)
        {
            throw new CorruptDatabaseException(name, ex.Message, ex);
        }
    }
}
