using LodeDb.Lexical;
using LodeDb.Native.Interop;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>Text documents: embedding through the custom embedder, chunking, lexical and hybrid search.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>Default <see cref="LodeDbOptions.MaxChunkChars"/>.</summary>
    public const int DefaultMaxChunkChars = 900;

    /// <summary>Smallest accepted <see cref="LodeDbOptions.MaxChunkChars"/>.</summary>
    public const int MinChunkChars = 16;

    /// <summary>Texts per embedder call.</summary>
    private const int EmbedBatch = 256;

    private static readonly EmbeddingGenerationOptions QueryOptions = new()
    {
        AdditionalProperties = new AdditionalPropertiesDictionary { ["lodedb.purpose"] = "query" },
    };

    /// <summary>The recorded model name of a custom-embedder index; "none" for a vector-only index.</summary>
    public string ModelName => _identity.Model;

    /// <summary>Whether raw chunk text is kept (recorded in the identity).</summary>
    public bool StoresText => _identity.StoreText;

    /// <summary>Whether lexical and hybrid search are available (stored text or indexed terms).</summary>
    public bool HasLexicalIndex => _identity.HasLexical;

    /// <summary>
    /// Embeds <paramref name="text"/> (split into chunks of at most <see cref="LodeDbOptions.MaxChunkChars"/>
    /// characters on sentence or word boundaries) and stores it as one document; a document with
    /// the same id is replaced with all its chunks. Returns the id (generated when null).
    /// </summary>
    /// <exception cref="InvalidOperationException">The index has no embedder (vector-only).</exception>
    public string Add(string text, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, CancellationToken cancellationToken = default) =>
        AddMany([text], [id], [metadata], cancellationToken)[0];

    /// <summary>As <see cref="Add"/>, awaiting the embedder instead of blocking on it.</summary>
    public async Task<string> AddAsync(string text, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, CancellationToken cancellationToken = default) =>
        (await AddManyAsync([text], [id], [metadata], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>As <see cref="AddMany"/>, awaiting the embedder instead of blocking on it.</summary>
    public async Task<IReadOnlyList<string>> AddManyAsync(
        IReadOnlyList<string> texts,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        PendingText pending = PrepareAdd(texts, ids, metadata);
        float[] normalized = await EmbedAsync(pending.Embedder, pending.Chunks, query: false, cancellationToken).ConfigureAwait(false);
        return CommitText(pending, normalized);
    }

    /// <summary>
    /// Adds (or replaces by id) text documents in one atomic commit: their chunks are embedded in
    /// batches and all are stored, or none. Ids, metadata and texts are validated before any
    /// embedder call. Returns the ids in order.
    /// </summary>
    public IReadOnlyList<string> AddMany(
        IReadOnlyList<string> texts,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        PendingText pending = PrepareAdd(texts, ids, metadata);
        float[] normalized = EmbedAsync(pending.Embedder, pending.Chunks, query: false, cancellationToken).GetAwaiter().GetResult();
        return CommitText(pending, normalized);
    }

    /// <summary>Validated, chunked documents waiting for their embeddings.</summary>
    private sealed record PendingText(
        IEmbeddingGenerator<string, Embedding<float>> Embedder, string[] Ids, IReadOnlyDictionary<string, object?>[] Metadata, int[] Starts, List<string> Chunks);

    /// <summary>Checks everything about an add before any model call, and chunks the texts.</summary>
    private PendingText PrepareAdd(
        IReadOnlyList<string> texts,
        IReadOnlyList<string?>? ids,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata)
    {
        ThrowIfReadOnly(nameof(AddMany));
        ArgumentNullException.ThrowIfNull(texts);
        IEmbeddingGenerator<string, Embedding<float>> embedder = RequireEmbedder("Add");
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
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException($"Text {i} is empty or only whitespace; there is nothing to embed.", nameof(texts));
            }

            StringValidation.WellFormed(text, "text", i, nameof(texts));
            string? given = ids?[i];
            finalIds[i] = given is null ? NewId() : CheckId(given, nameof(ids), i);
            if (!seen.Add(finalIds[i]))
            {
                throw new ArgumentException($"Id '{finalIds[i]}' appears twice in one batch; give each text its own id.", nameof(ids));
            }

            finalMetadata[i] = MetadataCodec.Normalize(metadata?[i], nameof(metadata), i);
            foreach ((int start, int length) in TextChunker.Split(text, _maxChunkChars))
            {
                chunkTexts.Add(text.Substring(start, length));
            }

            starts[i + 1] = chunkTexts.Count;
        }

        return new PendingText(embedder, finalIds, finalMetadata, starts, chunkTexts);
    }

    /// <summary>Commits embedded documents: one record, all or none.</summary>
    private IReadOnlyList<string> CommitText(PendingText pending, float[] normalized)
    {
        List<string> chunkTexts = pending.Chunks;
        var stored = new string?[chunkTexts.Count];
        var tokens = new IReadOnlyList<string>?[chunkTexts.Count];
        for (int c = 0; c < chunkTexts.Count; c++)
        {
            stored[c] = _identity.StoreText ? chunkTexts[c] : null;
            tokens[c] = _identity.HasLexical ? LexicalTokenizer.Tokenize(chunkTexts[c]).ToArray() : null;
        }

        return Upsert(normalized, pending.Ids, pending.Metadata, pending.Starts, stored, tokens);
    }

    /// <summary>
    /// The stored text of a document (its chunks joined: exactly the text added), a vector row's
    /// caption, or null when there is no such id or the row has no text.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index was created with <c>StoreText = false</c>: no text is kept.</exception>
    public string? GetText(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return GetTexts([id])[0];
    }

    /// <summary>As <see cref="GetText"/> for several ids, in order (null for a missing id or a row without text).</summary>
    /// <exception cref="InvalidOperationException">The index was created with <c>StoreText = false</c>.</exception>
    public IReadOnlyList<string?> GetTexts(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (!_identity.StoreText)
        {
            throw new InvalidOperationException("This index was created with StoreText = false: no text is kept, so GetText cannot return it. Keep the text yourself, or create the index with StoreText = true.");
        }

        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            var result = new string?[ids.Count];
            for (int i = 0; i < ids.Count; i++)
            {
                string id = ids[i] ?? throw new ArgumentException($"Id {i} is null.", nameof(ids));
                int[] slots = _rows.SlotsOf(id);
                if (slots.Length == 0 || slots.All(slot => _rows.TextAt(slot) is null))
                {
                    continue;
                }

                result[i] = string.Concat(slots.Select(slot => _rows.TextAt(slot)));
            }

            return result;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// The <paramref name="k"/> documents best matching <paramref name="query"/> among those
    /// matching <paramref name="filter"/>, best first, each at its best chunk; fewer when fewer
    /// match. <see cref="SearchMode.Vector"/> embeds the query, <see cref="SearchMode.Lexical"/>
    /// ranks by BM25, <see cref="SearchMode.Hybrid"/> fuses both by Reciprocal Rank Fusion.
    /// </summary>
    /// <exception cref="InvalidOperationException">Vector or hybrid search without an embedder, or lexical or hybrid search without a lexical source (neither StoreText nor IndexText).</exception>
    public IReadOnlyList<SearchHit> Search(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return SearchMany([query], k, mode, filter, cancellationToken)[0];
    }

    /// <summary>Batched <see cref="Search"/>: the queries are embedded together; one result list per query, in order.</summary>
    public IReadOnlyList<IReadOnlyList<SearchHit>> SearchMany(IReadOnlyList<string> queries, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        CheckSearch(queries, k, mode);
        float[]? vectors = mode == SearchMode.Lexical || queries.Count == 0
            ? null
            : EmbedAsync(RequireEmbedder($"{mode} search by text"), queries, query: true, cancellationToken).GetAwaiter().GetResult();
        return RankText(queries, vectors, k, mode, filter);
    }

    /// <summary>As <see cref="Search"/>, awaiting the embedder instead of blocking on it.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return (await SearchManyAsync([query], k, mode, filter, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>As <see cref="SearchMany"/>, awaiting the embedder instead of blocking on it.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchManyAsync(IReadOnlyList<string> queries, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        CheckSearch(queries, k, mode);
        float[]? vectors = mode == SearchMode.Lexical || queries.Count == 0
            ? null
            : await EmbedAsync(RequireEmbedder($"{mode} search by text"), queries, query: true, cancellationToken).ConfigureAwait(false);
        return RankText(queries, vectors, k, mode, filter);
    }

    private void CheckSearch(IReadOnlyList<string> queries, int k, SearchMode mode)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown search mode.");
        }

        for (int i = 0; i < queries.Count; i++)
        {
            if (queries[i] is null)
            {
                throw new ArgumentException($"Query {i} is null.", nameof(queries));
            }
        }

        if (mode != SearchMode.Vector && !_identity.HasLexical)
        {
            throw new InvalidOperationException($"{mode} search needs a lexical source, but this index was created with StoreText = false and IndexText = false. Use SearchMode.Vector, or create the index with StoreText or IndexText.");
        }

        if (mode != SearchMode.Lexical)
        {
            RequireEmbedder($"{mode} search by text");
        }
    }

    private IReadOnlyList<IReadOnlyList<SearchHit>> RankText(IReadOnlyList<string> queries, float[]? vectors, int k, SearchMode mode, Filter? filter)
    {
        if (queries.Count == 0)
        {
            return [];
        }

        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            ulong[]? mask = BuildMask(filter, out int allowedSlots, out _);
            var results = new IReadOnlyList<SearchHit>[queries.Count];
            // Each ranker is asked for more documents than k, so fusion sees documents that one
            // ranker places just below the cut.
            int depth = mode == SearchMode.Hybrid ? (int)Math.Min(int.MaxValue, Math.Max(k * 2L, k + 20L)) : k;
            for (int q = 0; q < queries.Count; q++)
            {
                List<(int Slot, float Score)>? vector = vectors is null ? null : VectorDocuments(vectors.AsSpan(q * Dimension, Dimension), depth, mask, allowedSlots);
                List<(int Slot, double Score)>? lexical = mode == SearchMode.Vector ? null : LexicalDocuments(queries[q], depth, mask);
                results[q] = mode switch
                {
                    SearchMode.Vector => vector!.Select(hit => MakeHit(hit.Slot, hit.Score)).ToArray(),
                    SearchMode.Lexical => lexical!.Select(hit => MakeHit(hit.Slot, (float)hit.Score)).ToArray(),
                    _ => Fuse(vector!, lexical!, k),
                };
            }

            return results;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Hybrid: RRF (c = 60) over the two document rankings; a document's best chunk is its better-ranked one (vector first on a tie).</summary>
    private SearchHit[] Fuse(List<(int Slot, float Score)> vector, List<(int Slot, double Score)> lexical, int k)
    {
        var best = new Dictionary<string, (int Slot, int Rank)>(StringComparer.Ordinal);
        void Note(int slot, int rank)
        {
            string id = _rows.IdAt(slot)!;
            if (!best.TryGetValue(id, out var current) || rank < current.Rank)
            {
                best[id] = (slot, rank);
            }
        }

        for (int i = 0; i < vector.Count; i++)
        {
            Note(vector[i].Slot, i);
        }

        for (int i = 0; i < lexical.Count; i++)
        {
            Note(lexical[i].Slot, i);
        }

        IReadOnlyList<string>[] rankings =
        [
            vector.Select(hit => _rows.IdAt(hit.Slot)!).ToArray(),
            lexical.Select(hit => _rows.IdAt(hit.Slot)!).ToArray(),
        ];
        return ReciprocalRankFusion.Fuse(rankings, k)
            .Select(hit => MakeHit(best[hit.Key].Slot, (float)hit.Score))
            .ToArray();
    }

    /// <summary>The best <paramref name="documents"/> documents by BM25, each at its best chunk. Call under the read lock.</summary>
    private List<(int Slot, double Score)> LexicalDocuments(string query, int documents, ulong[]? mask)
    {
        var hits = new List<(int Slot, double Score)>();
        Bm25Index lexical = _bm25 ?? throw new InvalidOperationException("The lexical index is not loaded.");
        List<string> tokens = LexicalTokenizer.Tokenize(query);
        if (tokens.Count == 0 || lexical.Count == 0)
        {
            return hits;
        }

        bool chunked = _rows.LiveSlotCount > _rows.LiveCount;
        int kk = (int)Math.Min(lexical.Count, chunked ? documents * 2L + 8 : documents);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            IReadOnlyList<LexicalHit> chunks = lexical.Search(tokens, kk, mask);
            hits.Clear();
            seen.Clear();
            foreach (LexicalHit chunk in chunks)
            {
                int slot = checked((int)chunk.Key);
                if (hits.Count < documents && seen.Add(_rows.IdAt(slot)!))
                {
                    hits.Add((slot, chunk.Score));
                }
            }

            if (hits.Count >= documents || chunks.Count < kk || kk >= lexical.Count)
            {
                return hits;
            }

            kk = (int)Math.Min(lexical.Count, (long)kk * 4);
        }
    }

    private IEmbeddingGenerator<string, Embedding<float>> RequireEmbedder(string operation) =>
        _embedder ?? throw new InvalidOperationException($"{operation} needs an embedder, but this is a vector-only index (no Embedder): pass vectors with AddVector/SearchByVector, or create the index with an Embedder and ModelName.");

    /// <summary>Embeds texts in batches and returns them validated and L2-normalised, row-major.</summary>
    private async Task<float[]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> embedder, IReadOnlyList<string> texts, bool query, CancellationToken cancellationToken)
    {
        EmbeddingCounters counters = query ? _queryEmbeddings : _ingestEmbeddings;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            float[] result = await EmbedCoreAsync(embedder, texts, query, counters, cancellationToken).ConfigureAwait(false);
            counters.Succeeded(texts.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch
        {
            counters.Failed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private async Task<float[]> EmbedCoreAsync(IEmbeddingGenerator<string, Embedding<float>> embedder, IReadOnlyList<string> texts, bool query, EmbeddingCounters counters, CancellationToken cancellationToken)
    {
        int dim = Dimension;
        float[] normalized = new float[checked(texts.Count * dim)];
        for (int start = 0; start < texts.Count; start += EmbedBatch)
        {
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
                throw new LodeDatabaseException($"The embedder '{_identity.Model}' returned {embeddings.Count} embeddings for {count} texts.");
            }

            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> vector = embeddings[i].Vector.Span;
                if (vector.Length != dim)
                {
                    throw new LodeDatabaseException($"The embedder '{_identity.Model}' returned a {vector.Length}-dimensional embedding; this index is pinned to {dim} dimensions. Use the embedder the index was created with.");
                }

                VectorValidation.CopyNormalized(vector, dim, normalized, start + i, "embedding");
            }
        }

        return normalized;
    }

    /// <summary>The dimension an embedder announces in its metadata, or null.</summary>
    private static int? MetadataDimension(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        embedder.GetService(typeof(EmbeddingGeneratorMetadata)) is EmbeddingGeneratorMetadata { DefaultModelDimensions: int dim } && dim > 0 ? dim : null;

    /// <summary>The dimension to pin at creation: the embedder's metadata, else the length of its first output.</summary>
    private static int EmbedderDimension(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        int dim = MetadataDimension(embedder) ?? ProbeDimension(embedder);
        if (dim < 1 || dim > NativeConstants.MaxDimension)
        {
            throw new LodeDatabaseException($"The embedder produces {dim}-dimensional embeddings; an index holds 1 to {NativeConstants.MaxDimension}.");
        }

        return dim;
    }

    private static int ProbeDimension(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        GeneratedEmbeddings<Embedding<float>> probe = embedder.GenerateAsync(["dimension probe"]).GetAwaiter().GetResult();
        return probe.Count > 0
            ? probe[0].Vector.Length
            : throw new LodeDatabaseException("The embedder returned no embedding for a probe text, so the index dimension cannot be determined.");
    }

    /// <summary>Validates an optional vector caption: needs a lexical source or stored text to mean anything.</summary>
    private string? CheckCaption(string? text, int row, string argumentName)
    {
        if (text is null)
        {
            return null;
        }

        if (!_identity.StoreText && !_identity.IndexText)
        {
            throw new ArgumentException($"Caption {row} would be neither stored nor searchable: this index was created with StoreText = false and IndexText = false. Pass null, or create the index with StoreText or IndexText.", argumentName);
        }

        return StringValidation.WellFormed(text, "caption", row, argumentName);
    }
}
