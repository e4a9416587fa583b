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
/// Version 2 (written when any slot carries chunk text or lexical terms) adds after each live
/// slot's metadata a flags u8 (bit 0: text, bit 1: terms), then the chunk text (u32 + UTF-8)
/// when bit 0 is set, then the chunk's lexical terms when bit 1 is set: term count u32 and per
/// term the term (u32 + UTF-8) and its frequency u32. The slots of one document (same id) are
/// its chunks in slot order.
/// Version 3 (written when any document carries a content hash) has the version 2 layout and
/// one more flag, bit 2: the document's 32-byte SHA-256 content hash follows the terms. It is
/// set only on a document's first slot (chunk 0).
/// </summary>
internal static class RowsFile
{
    public const int FormatVersion = 3;
    public const int ChunkTextFormatVersion = 2;
    public const int VectorOnlyFormatVersion = 1;
    private const byte TextFlag = 1;
    private const byte TermsFlag = 2;
    private const byte ContentHashFlag = 4;
    private static ReadOnlySpan<byte> Magic => "LDBROWS1"u8;

    /// <summary>Writes the rows file of generation <paramref name="generation"/>; <paramref name="termsOf"/> gives the lexical terms to persist for a live slot (null: none).</summary>
    public static void Write(string path, long generation, SlotTable rows, bool sync, Func<int, IReadOnlyList<KeyValuePair<string, int>>?>? termsOf = null)
    {
        var terms = new IReadOnlyList<KeyValuePair<string, int>>?[rows.SlotCount];
        bool extended = false;
        bool hashes = false;
        for (int slot = 0; slot < rows.SlotCount; slot++)
        {
            if (rows.IdAt(slot) is not string liveId)
            {
                continue;
            }

            terms[slot] = termsOf?.Invoke(slot);
            extended |= rows.TextAt(slot) is not null || terms[slot] is { Count: > 0 };
            hashes |= rows.ContentHashOf(liveId) is not null;
        }

        // The oldest version that holds what there is, so folders without the newer parts stay
        // readable by the releases that wrote them.
        int version = hashes ? FormatVersion : extended ? ChunkTextFormatVersion : VectorOnlyFormatVersion;
        extended |= hashes;
        var buffer = new ByteWriter(64 + rows.SlotCount * 16);
        buffer.Bytes(Magic);
        buffer.U32(version);
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
            if (!extended)
            {
                continue;
            }

            string? text = rows.TextAt(slot);
            IReadOnlyList<KeyValuePair<string, int>>? slotTerms = terms[slot] is { Count: > 0 } t ? t : null;
            byte[]? hash = rows.ChunkIndexAt(slot) == 0 ? rows.ContentHashOf(id) : null;
            buffer.U8((byte)((text is null ? 0 : TextFlag) | (slotTerms is null ? 0 : TermsFlag) | (hash is null ? 0 : ContentHashFlag)));
            if (text is not null)
            {
                buffer.String(text);
            }

            if (slotTerms is not null)
            {
                WriteTerms(buffer, slotTerms);
            }

            if (hash is not null)
            {
                buffer.Bytes(hash);
            }
        }

        buffer.U32(LodeDb.Native.NativeLibraryInfo.Crc32C(buffer.Written));
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(buffer.Written);
        stream.Flush(sync);
    }

    internal static void WriteTerms(ByteWriter buffer, IReadOnlyList<KeyValuePair<string, int>> terms)
    {
        buffer.U32(terms.Count);
        // Sorted, not in first-occurrence order: in text order the terms would spell out a text
        // kept with StoreText = false word by word. Readers take them in any order.
        foreach ((string term, int frequency) in terms.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            buffer.String(term);
            buffer.U32(frequency);
        }
    }

    /// <summary>Most tokens one chunk's terms may stand for (the sum of their frequencies).</summary>
    internal const int MaxChunkTokens = 1 << 30;

    /// <summary>
    /// Reads terms written by <see cref="WriteTerms"/> back as the token list they stand for,
    /// kept compact (<see cref="LodeDb.Lexical.TermList"/>): memory follows the bytes read, not the frequencies.
    /// </summary>
    internal static LodeDb.Lexical.TermList ReadTerms(ByteReader reader)
    {
        uint count = reader.U32();
        // Each term takes at least 9 bytes (length, one byte, frequency).
        if (count > (uint)reader.Remaining / 9)
        {
            throw new FormatException($"term count {count} exceeds the data");
        }

        var terms = new KeyValuePair<string, int>[count];
        long total = 0;
        for (uint i = 0; i < count; i++)
        {
            string term = reader.String();
            uint frequency = reader.U32();
            total += frequency;
            if (term.Length == 0 || frequency == 0 || frequency > 1u << 24 || total > MaxChunkTokens)
            {
                throw new FormatException($"term {i} is empty or has frequency {frequency}");
            }

            terms[i] = new(term, (int)frequency);
        }

        return new LodeDb.Lexical.TermList(terms);
    }

    /// <summary>Reads and validates a rows file; any defect is a <see cref="CorruptDatabaseException"/>.</summary>
    public static SlotTable Read(string path, long expectedGeneration) => Read(path, expectedGeneration, out _);

    /// <summary>As <see cref="Read(string, long)"/>; <paramref name="tokens"/> gets each slot's persisted lexical tokens (null when none).</summary>
    public static SlotTable Read(string path, long expectedGeneration, out IReadOnlyList<string>?[] tokens)
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
            if (version is not (FormatVersion or ChunkTextFormatVersion or VectorOnlyFormatVersion))
            {
                throw new CorruptDatabaseException(name, $"rows format version {version} is not supported (this build reads {VectorOnlyFormatVersion} to {FormatVersion})");
            }

            byte knownFlags = version == FormatVersion ? (byte)(TextFlag | TermsFlag | ContentHashFlag) : (byte)(TextFlag | TermsFlag);

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
            tokens = new IReadOnlyList<string>?[slotCount];
            var firstSlotIds = new HashSet<string>(StringComparer.Ordinal);
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
                string? text = null;
                byte[]? hash = null;
                if (version != VectorOnlyFormatVersion)
                {
                    byte flags = reader.U8();
                    if ((flags & ~knownFlags) != 0)
                    {
                        throw new CorruptDatabaseException(name, $"slot {slot} has flags {flags}");
                    }

                    if ((flags & TextFlag) != 0)
                    {
                        text = reader.String();
                    }

                    if ((flags & TermsFlag) != 0)
                    {
                        tokens[slot] = ReadTerms(reader);
                    }

                    if ((flags & ContentHashFlag) != 0)
                    {
                        hash = reader.Take(LodeContentHash.Bytes).ToArray();
                    }
                }
                else if (!firstSlotIds.Add(id))
                {
                    throw new CorruptDatabaseException(name, $"id '{id}' appears twice");
                }

                table.AppendLive(id, metadata, text);
                if (hash is not null)
                {
                    if (table.ChunkIndexAt((int)slot) != 0)
                    {
                        throw new CorruptDatabaseException(name, $"slot {slot} carries a content hash but is chunk {table.ChunkIndexAt((int)slot)} of '{id}' (only a document's first slot does)");
                    }

                    table.SetContentHash(id, hash);
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
