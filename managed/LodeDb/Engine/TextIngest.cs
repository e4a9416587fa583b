using System.Diagnostics;
using LodeDb.Lexical;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// Text on its way in: documents checked and chunked before any model call, texts embedded in
/// batches (queries marked <c>lodedb.purpose = "query"</c>), every embedding validated and
/// L2-normalised, and what each chunk keeps (its text, its lexical tokens) per the identity.
/// </summary>
internal static class TextIngest
{
    /// <summary>Texts per embedder call.</summary>
    private const int EmbedBatch = 256;

    /// <summary>The options of a query embedding: an embedder may treat queries differently (a prefix, another tower).</summary>
    public static readonly EmbeddingGenerationOptions QueryOptions = new()
    {
        AdditionalProperties = new AdditionalPropertiesDictionary { ["lodedb.purpose"] = "query" },
    };

    /// <summary>Validated, chunked documents waiting for their embeddings.</summary>
    public sealed record PendingText(
        IEmbeddingGenerator<string, Embedding<float>> Embedder, string[] Ids, IReadOnlyDictionary<string, object?>[] Metadata, int[] Starts, List<string> Chunks)
    {
        /// <summary>Each document's content hash (SHA-256 of its text, 32 bytes per document), or null when the handle keeps none.</summary>
        public byte[]? Hashes { get; init; }
    }

    /// <summary>Checks everything about an add before any model call, and chunks the texts.</summary>
    public static PendingText Prepare(
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        int maxChunkChars,
        IReadOnlyList<string> texts,
        IReadOnlyList<string?>? ids,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata)
    {
        if (texts.Count == 0)
        {
            throw new ArgumentException("AddMany needs at least one text.", nameof(texts));
        }

        if (ids is not null && ids.Count != texts.Count)
        {
            throw new ArgumentException($"{ids.Count} ids were given for {texts.Count} texts; pass one id (or null) per text.", nameof(ids));
        }

        if (metadata is not null && metadata.Count != texts.Count)
        {
            throw new ArgumentException($"{metadata.Count} metadata entries were given for {texts.Count} texts; pass one (or null) per text.", nameof(metadata));
        }

        var finalIds = new string[texts.Count];
        var finalMetadata = new IReadOnlyDictionary<string, object?>[texts.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var starts = new int[texts.Count + 1];
        var chunkTexts = new List<string>();
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts));
            if (!VisibleText.Any(text))
            {
                throw new ArgumentException($"Text {i} has no visible characters (it is empty, or only whitespace, format characters such as U+200B ZERO WIDTH SPACE, or control characters); there is nothing to embed.", nameof(texts));
            }

            StringValidation.WellFormed(text, "text", i, nameof(texts));
            finalIds[i] = WriteValidation.IdOrNew(ids?[i], nameof(ids), i);
            if (!seen.Add(finalIds[i]))
            {
                throw new ArgumentException($"Id '{finalIds[i]}' appears twice in one batch; give each text its own id.", nameof(ids));
            }

            finalMetadata[i] = MetadataCodec.Normalize(metadata?[i], nameof(metadata), i);
            foreach ((int start, int length) in TextChunker.Split(text, maxChunkChars))
            {
                chunkTexts.Add(text.Substring(start, length));
            }

            starts[i + 1] = chunkTexts.Count;
        }

        return new PendingText(embedder, finalIds, finalMetadata, starts, chunkTexts);
    }

    /// <summary>What each chunk keeps: its text when the index stores text, its tokens when it has a lexical index.</summary>
    public static (string?[] Texts, IReadOnlyList<string>?[] Tokens) ChunkRows(StoreIdentity identity, List<string> chunks)
    {
        var stored = new string?[chunks.Count];
        var tokens = new IReadOnlyList<string>?[chunks.Count];
        for (int c = 0; c < chunks.Count; c++)
        {
            stored[c] = identity.StoreText ? chunks[c] : null;
            tokens[c] = identity.HasLexical ? LexicalTokenizer.Tokenize(chunks[c]).ToArray() : null;
        }

        return (stored, tokens);
    }

    /// <summary>Embeds texts in batches and returns them validated and L2-normalised, row-major; counts the calls in <paramref name="counters"/>.</summary>
    public static async Task<float[]> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> embedder, IReadOnlyList<string> texts, bool query, EmbeddingCounters counters, StoreIdentity identity, CancellationToken cancellationToken,
        IProgress<TextIngestProgress>? progress = null)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            float[] result = await EmbedCoreAsync(embedder, texts, query, counters, identity, cancellationToken, progress).ConfigureAwait(false);
            counters.Succeeded(texts.Count, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch
        {
            counters.Failed(Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private static async Task<float[]> EmbedCoreAsync(
        IEmbeddingGenerator<string, Embedding<float>> embedder, IReadOnlyList<string> texts, bool query, EmbeddingCounters counters, StoreIdentity identity, CancellationToken cancellationToken,
        IProgress<TextIngestProgress>? progress)
    {
        int dim = identity.Dim;
        float[] normalized = new float[checked(texts.Count * dim)];
        for (int start = 0; start < texts.Count; start += EmbedBatch)
        {
            // Checked here too, not only by the embedder: one that ignores the token still stops between batches.
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(EmbedBatch, texts.Count - start);
            string[] batch = new string[count];
            for (int i = 0; i < count; i++)
            {
                batch[i] = texts[start + i];
            }

            counters.Called();
            GeneratedEmbeddings<Embedding<float>> embeddings = await embedder
                .GenerateAsync(batch, query ? QueryOptions : null, cancellationToken)
                .ConfigureAwait(false);
            if (embeddings.Count != count)
            {
                throw new LodeDatabaseException($"The embedder '{identity.Model}' returned {embeddings.Count} embeddings for {count} texts.");
            }

            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> vector = embeddings[i].Vector.Span;
                if (vector.Length != dim)
                {
                    throw new LodeDatabaseException($"The embedder '{identity.Model}' returned a {vector.Length}-dimensional embedding; this index is pinned to {dim} dimensions. Use the embedder the index was created with.");
                }

                VectorValidation.CopyNormalized(vector, dim, normalized, start + i, "embedding");
            }

            progress?.Report(new TextIngestProgress(start + count, texts.Count));
        }

        return normalized;
    }
}
