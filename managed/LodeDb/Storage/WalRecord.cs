namespace LodeDb;

/// <summary>
/// Payload of one record of <c>index.wal</c> (WAL mode) or of a base's journal (Generation
/// mode, no Begin record); the native layer frames it with length + CRC32C. Layout
/// (little-endian), by the first byte:
/// <list type="bullet">
/// <item>1 Begin: generation u64. The first record of every log: the records after it apply on
/// top of that generation. A log whose Begin names another generation is stale (a checkpoint
/// published the next generation but crashed before resetting the log) and is discarded.</item>
/// <item>2 Upsert: row count u32, code bytes per row u32, then per row id (u32 + UTF-8),
/// metadata (u32 + UTF-8 JSON), scale f32, codes. The codes are the native encoder's output,
/// so replay imports them and never re-encodes. One record per AddVectors call: a batch is all
/// or nothing.</item>
/// <item>3 Remove: id (u32 + UTF-8).</item>
/// </list>
/// </summary>
internal abstract class WalRecord
{
    public const byte BeginOp = 1;
    public const byte UpsertOp = 2;
    public const byte RemoveOp = 3;

    public static byte[] EncodeBegin(long generation)
    {
        var writer = new ByteWriter(9);
        writer.U8(BeginOp);
        writer.U64((ulong)generation);
        return writer.Written.ToArray();
    }

    public static byte[] EncodeUpsert(UpsertBatch batch)
    {
        int bytesPerRow = batch.CodeBytesPerRow;
        var writer = new ByteWriter(16 + batch.Count * (bytesPerRow + 64));
        writer.U8(UpsertOp);
        writer.U32(batch.Count);
        writer.U32(bytesPerRow);
        for (int i = 0; i < batch.Count; i++)
        {
            writer.String(batch.Ids[i]);
            writer.Blob(MetadataCodec.Serialize(batch.Metadata[i]));
            writer.F32(batch.Scales[i]);
            writer.Bytes(batch.Codes.AsSpan(i * bytesPerRow, bytesPerRow));
        }

        return writer.Written.ToArray();
    }

    public static byte[] EncodeRemove(string id)
    {
        var writer = new ByteWriter(8 + id.Length * 3);
        writer.U8(RemoveOp);
        writer.String(id);
        return writer.Written.ToArray();
    }

    /// <summary>Decodes a payload whose frame CRC already checked out; throws FormatException on a bad layout.</summary>
    public static WalRecord Decode(byte[] payload)
    {
        var reader = new ByteReader(payload);
        byte op = reader.U8();
        WalRecord record;
        switch (op)
        {
            case BeginOp:
                record = new BeginRecord((long)reader.U64());
                break;
            case UpsertOp:
                {
                    int count = checked((int)reader.U32());
                    int bytesPerRow = checked((int)reader.U32());
                    if (count <= 0 || count > reader.Remaining)
                    {
                        throw new FormatException($"upsert record with {count} rows");
                    }

                    var ids = new string[count];
                    var metadata = new IReadOnlyDictionary<string, object?>[count];
                    var scales = new float[count];
                    var codes = new byte[checked(count * bytesPerRow)];
                    for (int i = 0; i < count; i++)
                    {
                        ids[i] = reader.String();
                        metadata[i] = MetadataCodec.Deserialize(reader.Blob());
                        scales[i] = reader.F32();
                        reader.Take(bytesPerRow).CopyTo(codes.AsSpan(i * bytesPerRow));
                    }

                    record = new UpsertRecord(new UpsertBatch(ids, metadata, codes, scales, bytesPerRow));
                    break;
                }

            case RemoveOp:
                record = new RemoveRecord(reader.String());
                break;
            default:
                throw new FormatException($"unknown WAL operation {op}");
        }

        if (reader.Remaining != 0)
        {
            throw new FormatException($"{reader.Remaining} trailing bytes in a WAL record");
        }

        return record;
    }
}

internal sealed class BeginRecord(long generation) : WalRecord
{
    public long Generation { get; } = generation;
}

internal sealed class UpsertRecord(UpsertBatch batch) : WalRecord
{
    public UpsertBatch Batch { get; } = batch;
}

internal sealed class RemoveRecord(string id) : WalRecord
{
    public string Id { get; } = id;
}

/// <summary>Encoded rows ready to apply: ids, canonical metadata, native codes and scales.</summary>
internal sealed class UpsertBatch(string[] ids, IReadOnlyDictionary<string, object?>[] metadata, byte[] codes, float[] scales, int codeBytesPerRow)
{
    public string[] Ids { get; } = ids;

    public IReadOnlyDictionary<string, object?>[] Metadata { get; } = metadata;

    public byte[] Codes { get; } = codes;

    public float[] Scales { get; } = scales;

    public int CodeBytesPerRow { get; } = codeBytesPerRow;

    public int Count => Ids.Length;
}
