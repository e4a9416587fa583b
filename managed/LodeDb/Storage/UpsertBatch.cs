namespace LodeDb;

/// <summary>
/// Encoded documents ready to apply: ids, canonical metadata, and per chunk native codes and
/// scales, the stored text (null when not stored) and the lexical tokens (null when none or
/// derived from the text). Document d owns chunks ChunkStarts[d] .. ChunkStarts[d + 1] - 1.
/// </summary>
internal sealed class UpsertBatch
{
    public UpsertBatch(string[] ids, IReadOnlyDictionary<string, object?>[] metadata, byte[] codes, float[] scales, int codeBytesPerRow,
        int[]? chunkStarts = null, string?[]? texts = null, IReadOnlyList<string>?[]? tokens = null, bool persistTerms = false)
    {
        Ids = ids;
        Metadata = metadata;
        Codes = codes;
        Scales = scales;
        CodeBytesPerRow = codeBytesPerRow;
        ChunkStarts = chunkStarts ?? Enumerable.Range(0, ids.Length + 1).ToArray();
        Texts = texts ?? new string?[scales.Length];
        Tokens = tokens ?? new IReadOnlyList<string>?[scales.Length];
        PersistTerms = persistTerms;
        if (ChunkStarts.Length != ids.Length + 1 || ChunkStarts[^1] != scales.Length || Texts.Length != scales.Length || Tokens.Length != scales.Length)
        {
            throw new FormatException("an upsert batch whose chunk table does not match its rows");
        }
    }

    public string[] Ids { get; }

    public IReadOnlyDictionary<string, object?>[] Metadata { get; }

    public byte[] Codes { get; }

    public float[] Scales { get; }

    public int CodeBytesPerRow { get; }

    public int[] ChunkStarts { get; }

    public string?[] Texts { get; }

    /// <summary>Each chunk's lexical tokens (a <see cref="LodeDb.Lexical.TermList"/> when decoded), or null.</summary>
    public IReadOnlyList<string>?[] Tokens { get; }

    /// <summary>Whether the WAL record carries the chunks' terms (IndexText without stored text).</summary>
    public bool PersistTerms { get; }

    public int Count => Ids.Length;

    /// <summary>Sidecar rows of the chunks in chunk order (see RescoreStore), or null when the index keeps none.</summary>
    public byte[]? RescoreRows { get; private set; }

    /// <summary>The layout of <see cref="RescoreRows"/>.</summary>
    public RescoreStorage RescoreKind { get; private set; }

    /// <summary>Attaches the chunks' sidecar rows (row bytes = rows.Length / ChunkCount).</summary>
    public void AttachRescore(byte[] rows, RescoreStorage kind)
    {
        if (rows.Length == 0 || rows.Length % ChunkCount != 0)
        {
            throw new FormatException($"{rows.Length} re-score bytes for {ChunkCount} rows");
        }

        RescoreRows = rows;
        RescoreKind = kind;
    }

    public int ChunkCount => Scales.Length;

    /// <summary>Each document's content hash (32 bytes per document, in order), or null when the batch carries none.</summary>
    public byte[]? ContentHashes { get; private set; }

    /// <summary>Attaches the documents' content hashes (<see cref="LodeContentHash.Bytes"/> per document).</summary>
    public void AttachContentHashes(byte[] hashes)
    {
        if (hashes.Length != Count * LodeContentHash.Bytes)
        {
            throw new FormatException($"{hashes.Length} content-hash bytes for {Count} documents");
        }

        ContentHashes = hashes;
    }

    /// <summary>The content hash of document <paramref name="document"/>, or null.</summary>
    public byte[]? ContentHashOf(int document) =>
        ContentHashes is byte[] hashes ? hashes.AsSpan(document * LodeContentHash.Bytes, LodeContentHash.Bytes).ToArray() : null;

    /// <summary>True when the batch needs the ChunkedUpsert record (several chunks, text or terms).</summary>
    public bool IsChunked => ChunkCount != Count || Texts.Any(t => t is not null) || (PersistTerms && Tokens.Any(t => t is { Count: > 0 }));
}
