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
/// <item>3 Remove: id (u32 + UTF-8): the document and all its chunks.</item>
/// <item>5 RemoveMany: id count u32 (at least 1), then each id (u32 + UTF-8): the documents and
/// all their chunks, in one record, so a batch remove is all or nothing.</item>
/// <item>4 ChunkedUpsert: document count u32, code bytes per row u32, then per document id
/// (u32 + UTF-8), metadata (u32 + UTF-8 JSON), chunk count u32 (at least 1), and per chunk:
/// scale f32, codes, flags u8 (bit 0: text, bit 1: terms), the chunk text (u32 + UTF-8) when
/// bit 0 is set, the chunk's lexical terms (count u32, then term u32 + UTF-8 and frequency u32)
/// when bit 1 is set. Used when a document has several chunks or any chunk carries text or
/// terms; with <c>StoreText = false</c> no text is written, only codes and (with
/// <c>IndexText</c>) terms, so replay never re-embeds and never needs the raw text.</item>
/// <item>6 GraphWrite: one call of a graph store (nodes, edges, removals and their semantic
/// entries); layout in <see cref="Graph.GraphWriteRecord"/>.</item>
/// </list>
/// An Upsert or ChunkedUpsert of an index with a re-score sidecar sets bit 7 of its op byte
/// (0x82, 0x84) and ends with the sidecar rows of its chunks, in chunk order: kind u8 (1 int8,
/// 2 float16), row bytes u32, then one row per chunk (see RescoreStore), so replay restores
/// the sidecar without the float vectors. Records without the bit still replay.
/// An Upsert or ChunkedUpsert whose documents carry content hashes sets bit 6 of its op byte
/// (0x42, 0x44, 0xC2, 0xC4) and ends, after any re-score block, with one 32-byte SHA-256 per
/// document in document order (<see cref="LodeContentHash"/>). Records without the bit (written
/// before hashes existed, or with <c>StoreContentHash = false</c>) replay with no hash.
/// </summary>
internal abstract class WalRecord
{
    public const byte BeginOp = 1;
    public const byte UpsertOp = 2;
    public const byte RemoveOp = 3;
    public const byte ChunkedUpsertOp = 4;
    public const byte RemoveManyOp = 5;

    /// <summary>Op bit: a re-score block follows the upsert.</summary>
    public const byte RescoreFlag = 0x80;

    /// <summary>Op bit: a content-hash block (32 bytes per document) ends the upsert.</summary>
    public const byte ContentHashFlag = 0x40;

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
        if (batch.IsChunked)
        {
            var chunked = new ByteWriter(16 + batch.ChunkCount * (bytesPerRow + 64));
            chunked.U8((byte)(ChunkedUpsertOp | UpsertFlags(batch)));
            chunked.U32(batch.Count);
            chunked.U32(bytesPerRow);
            for (int d = 0; d < batch.Count; d++)
            {
                chunked.String(batch.Ids[d]);
                chunked.Blob(MetadataCodec.Serialize(batch.Metadata[d]));
                int first = batch.ChunkStarts[d];
                int end = batch.ChunkStarts[d + 1];
                chunked.U32(end - first);
                for (int c = first; c < end; c++)
                {
                    chunked.F32(batch.Scales[c]);
                    chunked.Bytes(batch.Codes.AsSpan(c * bytesPerRow, bytesPerRow));
                    string? text = batch.Texts[c];
                    IReadOnlyList<KeyValuePair<string, int>>? terms = batch.PersistTerms ? TermCounts(batch.Tokens[c]) : null;
                    if (terms is { Count: 0 })
                    {
                        terms = null;
                    }

                    chunked.U8((byte)((text is null ? 0 : 1) | (terms is null ? 0 : 2)));
                    if (text is not null)
                    {
                        chunked.String(text);
                    }

                    if (terms is not null)
                    {
                        RowsFile.WriteTerms(chunked, terms);
                    }
                }
            }

            WriteRescore(chunked, batch);
            WriteContentHashes(chunked, batch);
            return chunked.Written.ToArray();
        }

        var writer = new ByteWriter(16 + batch.Count * (bytesPerRow + 64));
        writer.U8((byte)(UpsertOp | UpsertFlags(batch)));
        writer.U32(batch.Count);
        writer.U32(bytesPerRow);
        for (int i = 0; i < batch.Count; i++)
        {
            writer.String(batch.Ids[i]);
            writer.Blob(MetadataCodec.Serialize(batch.Metadata[i]));
            writer.F32(batch.Scales[i]);
            writer.Bytes(batch.Codes.AsSpan(i * bytesPerRow, bytesPerRow));
        }

        WriteRescore(writer, batch);
        WriteContentHashes(writer, batch);
        return writer.Written.ToArray();
    }

    private static int UpsertFlags(UpsertBatch batch) =>
        (batch.RescoreRows is null ? 0 : RescoreFlag) | (batch.ContentHashes is null ? 0 : ContentHashFlag);

    private static void WriteContentHashes(ByteWriter writer, UpsertBatch batch)
    {
        if (batch.ContentHashes is byte[] hashes)
        {
            writer.Bytes(hashes);
        }
    }

    public static byte[] EncodeRemoveMany(IReadOnlyList<string> ids)
    {
        var writer = new ByteWriter(8 + ids.Sum(id => 4 + id.Length * 3));
        writer.U8(RemoveManyOp);
        writer.U32(ids.Count);
        foreach (string id in ids)
        {
            writer.String(id);
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

    /// <summary>
    /// Decodes a payload whose frame CRC already checked out. Any bad layout (a length or count
    /// beyond the bytes left, invalid UTF-8 or metadata, unknown flags, trailing bytes) is a
    /// <see cref="FormatException"/>, found before anything is allocated for it.
    /// </summary>
    public static WalRecord Decode(byte[] payload)
    {
        var reader = new ByteReader(payload);
        byte op = reader.U8();
        const int UpsertFlagBits = RescoreFlag | ContentHashFlag;
        bool upsertFlags = (op & UpsertFlagBits) != 0 && (op & ~UpsertFlagBits) is UpsertOp or ChunkedUpsertOp;
        bool rescore = upsertFlags && (op & RescoreFlag) != 0;
        bool hashes = upsertFlags && (op & ContentHashFlag) != 0;
        if (upsertFlags)
        {
            op = (byte)(op & ~UpsertFlagBits);
        }

        WalRecord record;
        switch (op)
        {
            case BeginOp:
                record = new BeginRecord((long)reader.U64());
                break;
            case UpsertOp:
                {
                    int count = reader.Count("row count");
                    int bytesPerRow = reader.Count("code bytes per row");
                    if (count <= 0 || bytesPerRow <= 0 || (long)count * bytesPerRow > reader.Remaining)
                    {
                        // Checked before the codes array is allocated: a damaged count never costs memory.
                        throw new FormatException($"upsert record with {count} rows of {bytesPerRow} code bytes and {reader.Remaining} bytes left");
                    }

                    var ids = new string[count];
                    var metadata = new IReadOnlyDictionary<string, object?>[count];
                    var scales = new float[count];
                    var codes = new byte[count * bytesPerRow];
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
                record = new RemoveRecord([reader.String()]);
                break;
            case RemoveManyOp:
                {
                    int count = reader.Count("id count");
                    if (count <= 0 || (long)count * 4 > reader.Remaining)
                    {
                        // Checked before the ids array is allocated: each id takes at least its 4-byte length.
                        throw new FormatException($"remove record with {count} ids and {reader.Remaining} bytes left");
                    }

                    var ids = new string[count];
                    for (int i = 0; i < count; i++)
                    {
                        ids[i] = reader.String();
                    }

                    record = new RemoveRecord(ids);
                    break;
                }

            case ChunkedUpsertOp:
                record = new UpsertRecord(DecodeChunked(reader));
                break;
            case Graph.GraphWriteRecord.GraphWriteOp:
                record = Graph.GraphWriteRecord.DecodeBody(reader);
                break;
            default:
                throw new FormatException($"unknown WAL operation {op}");
        }

        if (rescore)
        {
            ((UpsertRecord)record).Batch.AttachRescore(ReadRescore(reader, ((UpsertRecord)record).Batch.ChunkCount, out RescoreStorage kind), kind);
        }

        if (hashes)
        {
            UpsertBatch batch = ((UpsertRecord)record).Batch;
            if ((long)batch.Count * LodeContentHash.Bytes > reader.Remaining)
            {
                throw new FormatException($"{batch.Count} content hashes with {reader.Remaining} bytes left");
            }

            batch.AttachContentHashes(reader.Take(batch.Count * LodeContentHash.Bytes).ToArray());
        }

        if (reader.Remaining != 0)
        {
            throw new FormatException($"{reader.Remaining} trailing bytes in a WAL record");
        }

        return record;
    }

    private static void WriteRescore(ByteWriter writer, UpsertBatch batch)
    {
        if (batch.RescoreRows is not byte[] rows)
        {
            return;
        }

        writer.U8((byte)batch.RescoreKind);
        writer.U32(rows.Length / batch.ChunkCount);
        writer.Bytes(rows);
    }

    private static byte[] ReadRescore(ByteReader reader, int chunks, out RescoreStorage kind)
    {
        kind = (RescoreStorage)reader.U8();
        if (kind is not (RescoreStorage.Int8 or RescoreStorage.Float16))
        {
            throw new FormatException($"re-score kind {(int)kind}");
        }

        int rowBytes = reader.Count("re-score row bytes");
        if (rowBytes <= 0 || (long)rowBytes * chunks > reader.Remaining)
        {
            throw new FormatException($"{chunks} re-score rows of {rowBytes} bytes with {reader.Remaining} bytes left");
        }

        byte[] rows = reader.Take(rowBytes * chunks).ToArray();
        if (kind == RescoreStorage.Int8 && rowBytes < 4)
        {
            throw new FormatException($"int8 re-score rows of {rowBytes} bytes, shorter than their scale");
        }

        // The frame's CRC only proves these bytes were written so: a row no unit vector has
        // (a NaN or huge scale) must not reach the sidecar and a ranking.
        for (int c = 0; c < chunks; c++)
        {
            if (RescoreCodec.RowProblem(kind, rows.AsSpan(c * rowBytes, rowBytes)) is string problem)
            {
                throw new FormatException($"re-score row {c}: {problem}");
            }
        }

        return rows;
    }

    /// <summary>Term frequencies of a token list, in first-occurrence order.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> TermCounts(IReadOnlyList<string>? tokens)
    {
        if (tokens is null || tokens.Count == 0)
        {
            return [];
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        void Count(string token, int times)
        {
            if (counts.TryGetValue(token, out int n))
            {
                counts[token] = n + times;
            }
            else
            {
                counts.Add(token, times);
                order.Add(token);
            }
        }

        if (tokens is LodeDb.Lexical.TermList counted)
        {
            // Terms read from a file are counted already: never expand them token by token.
            foreach ((string term, int frequency) in counted.Terms)
            {
                Count(term, frequency);
            }
        }
        else
        {
            foreach (string token in tokens)
            {
                Count(token, 1);
            }
        }

        return order.Select(t => new KeyValuePair<string, int>(t, counts[t])).ToArray();
    }

    private static UpsertBatch DecodeChunked(ByteReader reader)
    {
        int count = reader.Count("document count");
        int bytesPerRow = reader.Count("code bytes per row");
        if (count <= 0 || count > reader.Remaining || bytesPerRow <= 0 || bytesPerRow > reader.Remaining)
        {
            throw new FormatException($"chunked upsert record with {count} documents of {bytesPerRow} code bytes per row");
        }

        var ids = new string[count];
        var metadata = new IReadOnlyDictionary<string, object?>[count];
        var starts = new int[count + 1];
        var scales = new List<float>();
        var codes = new List<byte>();
        var texts = new List<string?>();
        var tokens = new List<IReadOnlyList<string>?>();
        bool anyTerms = false;
        for (int d = 0; d < count; d++)
        {
            ids[d] = reader.String();
            metadata[d] = MetadataCodec.Deserialize(reader.Blob());
            int chunks = reader.Count("chunk count");
            if (chunks <= 0 || chunks > reader.Remaining)
            {
                throw new FormatException($"document {d} has {chunks} chunks");
            }

            for (int c = 0; c < chunks; c++)
            {
                scales.Add(reader.F32());
                codes.AddRange(reader.Take(bytesPerRow));
                byte flags = reader.U8();
                if ((flags & ~3) != 0)
                {
                    throw new FormatException($"chunk flags {flags}");
                }

                texts.Add((flags & 1) != 0 ? reader.String() : null);
                IReadOnlyList<string>? chunkTokens = (flags & 2) != 0 ? RowsFile.ReadTerms(reader) : null;
                anyTerms |= chunkTokens is not null;
                tokens.Add(chunkTokens);
            }

            starts[d + 1] = scales.Count;
        }

        return new UpsertBatch(ids, metadata, codes.ToArray(), scales.ToArray(), bytesPerRow, starts, texts.ToArray(), tokens.ToArray(), persistTerms: anyTerms);
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

/// <summary>A Remove (one id) or RemoveMany record.</summary>
internal sealed class RemoveRecord(string[] ids) : WalRecord
{
    public IReadOnlyList<string> Ids { get; } = ids;
}
