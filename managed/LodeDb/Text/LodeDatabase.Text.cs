using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>Text documents: embedding through the custom embedder, chunking, lexical and hybrid search.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>Default <see cref="LodeDbOptions.MaxChunkChars"/>.</summary>
    public const int DefaultMaxChunkChars = 900;

    /// <summary>Smallest accepted <see cref="LodeDbOptions.MaxChunkChars"/>.</summary>
    public const int MinChunkChars = 16;

    /// <summary>The recorded model name of a custom-embedder index; "none" for a vector-only index.</summary>
    public string ModelName => Identity.Model;

    /// <summary>Whether raw chunk text is kept (recorded in the identity).</summary>
    public bool StoresText => Identity.StoreText;

    /// <summary>Whether lexical and hybrid search are available (stored text or indexed terms).</summary>
    public bool HasLexicalIndex => Identity.HasLexical;

    /// <summary>
    /// Whether <see cref="Add"/> accepts the content of <paramref name="text"/>: it has a visible
    /// character, not only whitespace, format characters (U+200B ZERO WIDTH SPACE, U+FEFF, U+00AD
    /// SOFT HYPHEN...) and control characters. Lets a caller skip such a text instead of failing
    /// its whole batch.
    /// </summary>
    public static bool HasVisibleText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return VisibleText.Any(text);
    }

    /// <summary>
    /// Embeds <paramref name="text"/> (split into chunks of at most <see cref="LodeDbOptions.MaxChunkChars"/>
    /// characters on sentence or word boundaries) and stores it as one document; a document with
    /// the same id is replaced with all its chunks. Returns the id (generated when null).
    /// </summary>
    /// <exception cref="InvalidOperationException">The index has no embedder (vector-only).</exception>
    /// <exception cref="ArgumentException">The text has no visible characters (see <see cref="HasVisibleText"/>), or the id or metadata is refused; nothing is stored.</exception>
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
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
        TextIngest.PendingText pending = PrepareAdd(texts, ids, metadata);
        float[] normalized = await TextIngest.EmbedAsync(pending.Embedder, pending.Chunks, query: false, _embedders.IngestText, Identity, cancellationToken).ConfigureAwait(false);
        return CommitText(pending, normalized);
    }

    /// <summary>
    /// Adds (or replaces by id) text documents in one atomic commit: their chunks are embedded in
    /// batches and all are stored, or none. Ids, metadata and texts are validated before any
    /// embedder call. Returns the ids in order.
    /// </summary>
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
    public IReadOnlyList<string> AddMany(
        IReadOnlyList<string> texts,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        TextIngest.PendingText pending = PrepareAdd(texts, ids, metadata);
        float[] normalized = SyncBridge.Run(() => TextIngest.EmbedAsync(pending.Embedder, pending.Chunks, query: false, _embedders.IngestText, Identity, cancellationToken));
        return CommitText(pending, normalized);
    }

    /// <summary>Checks everything about an add before any model call, and chunks the texts.</summary>
    private TextIngest.PendingText PrepareAdd(
        IReadOnlyList<string> texts,
        IReadOnlyList<string?>? ids,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata)
    {
        ThrowIfReadOnly(nameof(AddMany));
        ArgumentNullException.ThrowIfNull(texts);
        IEmbeddingGenerator<string, Embedding<float>> embedder = _embedders.RequireText("Add");
        TextIngest.PendingText pending = TextIngest.Prepare(embedder, _options.MaxChunkChars, texts, ids, metadata);

        // After Prepare: every text is checked (not null, well-formed) before it is hashed.
        return pending with { Hashes = LodeContentHash.Flat(_options.StoreContentHash, texts, LodeContentHash.Text) };
    }

    /// <summary>Commits embedded documents: one record, all or none.</summary>
    private IReadOnlyList<string> CommitText(TextIngest.PendingText pending, float[] normalized)
    {
        (string?[] stored, IReadOnlyList<string>?[] tokens) = TextIngest.ChunkRows(Identity, pending.Chunks);
        return Upsert(normalized, pending.Ids, pending.Metadata, pending.Starts, stored, tokens, pending.Hashes);
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
        if (!Identity.StoreText)
        {
            throw new InvalidOperationException("This index was created with StoreText = false: no text is kept, so GetText cannot return it. Keep the text yourself, or create the index with StoreText = true.");
        }

        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            var result = new string?[ids.Count];
            for (int i = 0; i < ids.Count; i++)
            {
                string id = ids[i] ?? throw new ArgumentException($"Id {i} is null.", nameof(ids));
                int[] slots = rows.SlotsOf(id);
                if (slots.Length == 0 || slots.All(slot => rows.TextAt(slot) is null))
                {
                    continue;
                }

                result[i] = string.Concat(slots.Select(slot => rows.TextAt(slot)));
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
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
    public IReadOnlyList<SearchHit> Search(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return SearchMany([query], k, mode, filter, cancellationToken)[0];
    }

    /// <summary>Batched <see cref="Search"/>: the queries are embedded together; one result list per query, in order.</summary>
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
    public IReadOnlyList<IReadOnlyList<SearchHit>> SearchMany(IReadOnlyList<string> queries, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        CheckSearch(queries, k, mode);
        float[]? vectors = mode == SearchMode.Lexical || queries.Count == 0
            ? null
            : SyncBridge.Run(() => TextIngest.EmbedAsync(_embedders.RequireText($"{mode} search by text"), queries, query: true, _embedders.QueryText, Identity, cancellationToken));
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
            : await TextIngest.EmbedAsync(_embedders.RequireText($"{mode} search by text"), queries, query: true, _embedders.QueryText, Identity, cancellationToken).ConfigureAwait(false);
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

            // Refused before any ranker: the embedder's tokenizer would throw an unrelated error
            // (counted as an embedder failure), and lexical search would search another string.
            int at = StringValidation.FindLoneSurrogate(queries[i]);
            if (at >= 0)
            {
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Query {i} holds a lone surrogate (U+{(int)queries[i][at]:X4} at character {at}): it is not well-formed UTF-16. Remove the character or complete its surrogate pair."), nameof(queries));
            }
        }

        if (mode != SearchMode.Vector && !Identity.HasLexical)
        {
            throw new InvalidOperationException($"{mode} search needs a lexical source, but this index was created with StoreText = false and IndexText = false. Use SearchMode.Vector, or create the index with StoreText or IndexText.");
        }

        if (mode != SearchMode.Lexical)
        {
            _embedders.RequireText($"{mode} search by text");
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
            IReadOnlyList<IReadOnlyList<SearchHit>> hits = _telemetry.Run("lodedb.search", $"{mode} search", Diagnostics.LodeDbTelemetry.SearchDuration, activity =>
            {
                activity?.SetTag("lodedb.queries", queries.Count);
                activity?.SetTag("lodedb.k", k);
                activity?.SetTag("lodedb.mode", ModeTag(mode));
                return _ranker.ByText(Store, queries, vectors, k, mode, filter);
            });
            _telemetry.Searched(queries.Count, ModeTag(mode));
            return hits;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    private static string ModeTag(SearchMode mode) => mode switch
    {
        SearchMode.Lexical => "lexical",
        SearchMode.Hybrid => "hybrid",
        _ => "vector",
    };
}
