using LodeDb.Lexical;

namespace LodeDb;

/// <summary>Rows of caller-supplied vectors (and images, once embedded): validated, normalised, with optional captions.</summary>
internal static class VectorIngest
{
    /// <summary>Validated rows waiting for their commit: row-major normalised vectors, ids, metadata and captions.</summary>
    public sealed record PendingRows(float[] Normalized, string[] Ids, IReadOnlyDictionary<string, object?>[] Metadata, string?[] Captions)
    {
        /// <summary>Each row's content hash (<see cref="LodeContentHash"/>, 32 bytes per row), or null when the handle keeps none.</summary>
        public byte[]? Hashes { get; init; }
    }

    /// <summary>Checks a batch of query vectors and normalises them, row-major (the token checked every 1024 queries).</summary>
    public static (float[] Normalized, int Count) NormalizeQueries(IReadOnlyList<float[]> queries, int dimension, int k, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        float[] normalized = new float[checked(queries.Count * dimension)];
        for (int i = 0; i < queries.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            VectorValidation.CopyNormalized(queries[i] ?? throw new ArgumentException($"Query {i} is null.", nameof(queries)), dimension, normalized, i, nameof(queries));
        }

        return (normalized, queries.Count);
    }

    /// <summary>Checks a batch of vectors with their ids, metadata and captions, and normalises the vectors (checking <paramref name="cancellationToken"/> every 1,024 rows).</summary>
    public static PendingRows Prepare(
        StoreIdentity identity,
        IReadOnlyList<float[]> vectors,
        IReadOnlyList<string?>? ids,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata,
        IReadOnlyList<string?>? texts,
        CancellationToken cancellationToken = default,
        bool contentHashes = false)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0)
        {
            throw new ArgumentException("AddVectors needs at least one vector.", nameof(vectors));
        }

        if (ids is not null && ids.Count != vectors.Count)
        {
            throw new ArgumentException($"{ids.Count} ids were given for {vectors.Count} vectors; pass one id (or null) per vector.", nameof(ids));
        }

        if (metadata is not null && metadata.Count != vectors.Count)
        {
            throw new ArgumentException($"{metadata.Count} metadata entries were given for {vectors.Count} vectors; pass one (or null) per vector.", nameof(metadata));
        }

        if (texts is not null && texts.Count != vectors.Count)
        {
            throw new ArgumentException($"{texts.Count} captions were given for {vectors.Count} vectors; pass one (or null) per vector.", nameof(texts));
        }

        int dim = identity.Dim;
        float[] normalized = new float[checked(vectors.Count * dim)];
        var finalIds = new string[vectors.Count];
        var finalMetadata = new IReadOnlyDictionary<string, object?>[vectors.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        byte[]? hashes = contentHashes ? new byte[checked(vectors.Count * LodeContentHash.Bytes)] : null;
        for (int i = 0; i < vectors.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            float[] vector = vectors[i] ?? throw new ArgumentException($"Vector {i} is null.", nameof(vectors));
            VectorValidation.CopyNormalized(vector, dim, normalized, i, nameof(vectors));
            if (hashes is not null)
            {
                LodeContentHash.Vector(vector).CopyTo(hashes.AsSpan(i * LodeContentHash.Bytes));
            }

            finalIds[i] = WriteValidation.IdOrNew(ids?[i], nameof(ids), i);
            if (!seen.Add(finalIds[i]))
            {
                throw new ArgumentException($"Id '{finalIds[i]}' appears twice in one batch; give each row its own id.", nameof(ids));
            }

            finalMetadata[i] = MetadataCodec.Normalize(metadata?[i], nameof(metadata), i);
        }

        var captions = new string?[vectors.Count];
        for (int i = 0; i < captions.Length; i++)
        {
            captions[i] = WriteValidation.CheckCaption(identity, texts?[i], i, nameof(texts));
        }

        return new PendingRows(normalized, finalIds, finalMetadata, captions) { Hashes = hashes };
    }

    /// <summary>What each row keeps of its caption: the text when the index stores text, the tokens when it has a lexical index.</summary>
    public static (string?[] Texts, IReadOnlyList<string>?[] Tokens) CaptionRows(StoreIdentity identity, string?[] captions)
    {
        var tokens = new IReadOnlyList<string>?[captions.Length];
        if (identity.HasLexical)
        {
            for (int i = 0; i < captions.Length; i++)
            {
                tokens[i] = captions[i] is string caption ? LexicalTokenizer.Tokenize(caption).ToArray() : null;
            }
        }

        return (identity.StoreText ? captions : new string?[captions.Length], tokens);
    }
}
