using System.Buffers;
using System.Runtime.InteropServices;
using LodeDb.Lexical;

namespace LodeDb;

/// <summary>
/// Every ranking of a handle: vector (the native code scan, re-ranked exactly from the sidecar
/// when the index keeps one), lexical (BM25) and hybrid (RRF over both), each collapsing chunks
/// to documents at their best chunk. Ties follow <see cref="RankOrder"/>. Reads the
/// <see cref="SlotStore"/> under the database's read lock; holds only per-handle settings.
/// </summary>
internal sealed class Ranker(int rescoreCandidates, int? searchThreads)
{
    private long _nativeScans;

    /// <summary>Native scan calls made by this ranker (tests count them: one per vector query).</summary>
    public long NativeScans => Interlocked.Read(ref _nativeScans);

    /// <summary>
    /// The best <paramref name="k"/> rows for each of <paramref name="queryCount"/> normalised
    /// queries (row-major in <paramref name="queries"/>) among those matching <paramref name="filter"/>.
    /// </summary>
    public IReadOnlyList<SearchHit>[] ByVector(SlotStore store, float[] queries, int queryCount, int k, Filter? filter, Func<string, bool>? idAllowed = null)
    {
        SlotTable rows = store.Rows;
        ulong[]? mask = SlotMask.Build(rows, filter, out int allowedSlots, out _, idAllowed);
        var results = new IReadOnlyList<SearchHit>[queryCount];
        if (queryCount > 1 && rows.LiveSlotCount == rows.LiveCount)
        {
            // One slot per document: one batched native call reads the codes once for every
            // query (the per-query path below re-asks when chunks of one document collide).
            SearchBatch(store, queries, queryCount, Math.Min(k, allowedSlots), ScanDepth(store, k, allowedSlots), mask, results);
            return results;
        }

        int dim = store.Dimension;
        for (int q = 0; q < queryCount; q++)
        {
            results[q] = VectorDocuments(store, queries.AsSpan(q * dim, dim), k, mask, allowedSlots)
                .Select(hit => MakeHit(rows, hit.Slot, hit.Score)).ToArray();
        }

        return results;
    }

    /// <summary>
    /// Text queries by <paramref name="mode"/>: <paramref name="vectors"/> holds their normalised
    /// embeddings (null for lexical search). Hybrid asks each ranker for more documents than k,
    /// so fusion sees documents that one ranker places just below the cut.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<SearchHit>> ByText(SlotStore store, IReadOnlyList<string> queries, float[]? vectors, int k, SearchMode mode, Filter? filter, Func<string, bool>? idAllowed = null)
    {
        SlotTable rows = store.Rows;
        ulong[]? mask = SlotMask.Build(rows, filter, out int allowedSlots, out _, idAllowed);
        var results = new IReadOnlyList<SearchHit>[queries.Count];
        int depth = mode == SearchMode.Hybrid ? (int)Math.Min(int.MaxValue, Math.Max(k * 2L, k + 20L)) : k;
        int dim = store.Dimension;
        for (int q = 0; q < queries.Count; q++)
        {
            List<(int Slot, float Score)>? vector = vectors is null ? null : VectorDocuments(store, vectors.AsSpan(q * dim, dim), depth, mask, allowedSlots);
            List<(int Slot, double Score)>? lexical = mode == SearchMode.Vector ? null : LexicalDocuments(store, queries[q], depth, mask);
            results[q] = mode switch
            {
                SearchMode.Vector => vector!.Select(hit => MakeHit(rows, hit.Slot, hit.Score)).ToArray(),
                SearchMode.Lexical => lexical!.Select(hit => MakeHit(rows, hit.Slot, (float)hit.Score)).ToArray(),
                _ => Fuse(rows, vector!, lexical!, k),
            };
        }

        return results;
    }

    /// <summary>One batched scan for <paramref name="depth"/> candidates per query (more than <paramref name="wanted"/> when they are re-ranked from the sidecar); keeps the best wanted.</summary>
    private void SearchBatch(SlotStore store, float[] queries, int queryCount, int wanted, int depth, ulong[]? mask, IReadOnlyList<SearchHit>[] results)
    {
        if (wanted <= 0)
        {
            Array.Fill(results, Array.Empty<SearchHit>());
            return;
        }

        int dim = store.Dimension;
        var slots = new ulong[queryCount * depth];
        var scores = new float[queryCount * depth];
        var counts = new uint[queryCount];
        ScanCodes(store, queries, depth, mask, Threads(store), slots, scores, counts);

        for (int q = 0; q < queryCount; q++)
        {
            if (store.Rescore is not null)
            {
                Rerank(store, queries.AsSpan(q * dim, dim), slots.AsSpan(q * depth, (int)counts[q]), scores.AsSpan(q * depth, (int)counts[q]));
            }

            var hits = new SearchHit[Math.Min(wanted, (int)counts[q])];
            for (int i = 0; i < hits.Length; i++)
            {
                hits[i] = MakeHit(store.Rows, checked((int)slots[q * depth + i]), scores[q * depth + i]);
            }

            results[q] = hits;
        }
    }

    /// <summary>
    /// The best <paramref name="documents"/> documents for one normalised query, each at its best
    /// chunk (slot), best first, from ONE native scan: with chunks, the scan is given the slot ->
    /// document map (<see cref="SlotTable.DocumentMap"/>) and keeps one slot per document in its
    /// heap, so chunks of one document never crowd others out of the top-k. With a sidecar, each
    /// document's best chunk by the scan is then re-scored exactly.
    /// </summary>
    private List<(int Slot, float Score)> VectorDocuments(SlotStore store, ReadOnlySpan<float> query, int documents, ulong[]? mask, int allowedSlots)
    {
        SlotTable rows = store.Rows;
        var hits = new List<(int Slot, float Score)>();
        int kk = ScanDepth(store, documents, allowedSlots);
        if (kk <= 0)
        {
            return hits;
        }

        var slots = new ulong[kk];
        var scores = new float[kk];
        var counts = new uint[1];
        bool chunked = rows.LiveSlotCount > rows.LiveCount;
        ScanCodes(store, query, kk, mask, Threads(store), slots, scores, counts, chunked ? rows.DocumentMap : default);
        if (store.Rescore is not null)
        {
            Rerank(store, query, slots.AsSpan(0, (int)counts[0]), scores.AsSpan(0, (int)counts[0]));
        }

        for (int i = 0; i < counts[0] && hits.Count < documents; i++)
        {
            hits.Add((checked((int)slots[i]), scores[i]));
        }

        return hits;
    }

    /// <summary>The best <paramref name="documents"/> documents by BM25, each at its best chunk.</summary>
    private static List<(int Slot, double Score)> LexicalDocuments(SlotStore store, string query, int documents, ulong[]? mask)
    {
        SlotTable rows = store.Rows;
        var hits = new List<(int Slot, double Score)>();
        Bm25Index lexical = store.Lexical ?? throw new InvalidOperationException("The lexical index is not loaded.");
        List<string> tokens = LexicalTokenizer.Tokenize(query);
        if (tokens.Count == 0 || lexical.Count == 0)
        {
            return hits;
        }

        bool chunked = rows.LiveSlotCount > rows.LiveCount;
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
                if (hits.Count < documents && seen.Add(rows.IdAt(slot)!))
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

    /// <summary>Hybrid: RRF (c = 60) over the two document rankings; a document's best chunk is its better-ranked one (vector first on a tie).</summary>
    private static SearchHit[] Fuse(SlotTable rows, List<(int Slot, float Score)> vector, List<(int Slot, double Score)> lexical, int k)
    {
        var best = new Dictionary<string, (int Slot, int Rank)>(StringComparer.Ordinal);
        void Note(int slot, int rank)
        {
            string id = rows.IdAt(slot)!;
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
            vector.Select(hit => rows.IdAt(hit.Slot)!).ToArray(),
            lexical.Select(hit => rows.IdAt(hit.Slot)!).ToArray(),
        ];
        return ReciprocalRankFusion.Fuse(rankings, k)
            .Select(hit => MakeHit(rows, best[hit.Key].Slot, (float)hit.Score))
            .ToArray();
    }

    /// <summary>How many candidates the code scan returns when <paramref name="wanted"/> are needed.</summary>
    private int ScanDepth(SlotStore store, int wanted, int allowedSlots) =>
        store.Rescore is null ? Math.Min(wanted, allowedSlots) : Math.Min(allowedSlots, Math.Max(wanted, rescoreCandidates));

    // The native library owns the thread policy (lodedb_index_search_threads): automatic unless
    // the caller capped it with SearchThreads.
    private int Threads(SlotStore store) => searchThreads ?? LodeDb.Native.NativeIndex.AutoThreads;

    /// <summary>
    /// The code scan for <paramref name="kk"/> slots per query (documents, when
    /// <paramref name="documentMap"/> is given: one slot per document). Without a sidecar: the
    /// native search (its exact TurboQuant re-rank included). With one: the scan's candidates by
    /// their approximate scores only, since <see cref="Rerank"/> replaces every score anyway and
    /// the native re-rank would cost more than the whole scan at the default 100 candidates.
    /// </summary>
    private void ScanCodes(SlotStore store, ReadOnlySpan<float> queries, int kk, ulong[]? mask, int threads, Span<ulong> slots, Span<float> scores, Span<uint> counts,
        ReadOnlySpan<uint> documentMap = default)
    {
        Interlocked.Increment(ref _nativeScans);
        var index = store.Index;
        bool exact = store.Rescore is null;
        if (!documentMap.IsEmpty)
        {
            switch (exact, mask)
            {
                case (true, null): index.SearchDocuments(queries, kk, documentMap, threads, slots, scores, counts); break;
                case (true, _): index.SearchDocuments(queries, kk, documentMap, mask, threads, slots, scores, counts); break;
                case (false, null): index.SearchDocumentCandidates(queries, kk, documentMap, threads, slots, scores, counts); break;
                default: index.SearchDocumentCandidates(queries, kk, documentMap, mask, threads, slots, scores, counts); break;
            }
        }
        else
        {
            switch (exact, mask)
            {
                case (true, null): index.Search(queries, kk, threads, slots, scores, counts); break;
                case (true, _): index.Search(queries, kk, mask, threads, slots, scores, counts); break;
                case (false, null): index.SearchCandidates(queries, kk, threads, slots, scores, counts); break;
                default: index.SearchCandidates(queries, kk, mask, threads, slots, scores, counts); break;
            }
        }
    }

    /// <summary>
    /// Replaces the code scan's scores of <paramref name="slots"/> by exact ones from the
    /// sidecar and sorts both by <see cref="RankOrder"/>. Allocates nothing beyond one pooled buffer.
    /// </summary>
    private static void Rerank(SlotStore store, ReadOnlySpan<float> query, Span<ulong> slots, Span<float> scores)
    {
        RescoreStore sidecar = store.Rescore!;
        int count = slots.Length;
        int dim = store.Dimension;
        // One pooled buffer: the sort keys, then the decoded row (Dimension floats).
        ulong[] buffer = ArrayPool<ulong>.Shared.Rent(count + (dim + 1) / 2);
        try
        {
            Span<ulong> keys = buffer.AsSpan(0, count);
            Span<float> scratch = MemoryMarshal.Cast<ulong, float>(buffer.AsSpan(count))[..dim];
            sidecar.Score(query, slots, scores, scratch);
            for (int i = 0; i < count; i++)
            {
                keys[i] = RankOrder.Key(scores[i], slots[i]);
            }

            keys.Sort();
            for (int i = 0; i < count; i++)
            {
                slots[i] = RankOrder.SlotOf(keys[i]);
                scores[i] = RankOrder.ScoreOf(keys[i]);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    private static SearchHit MakeHit(SlotTable rows, int slot, float score) =>
        new(rows.IdAt(slot)!, score, rows.MetadataAt(slot)) { Text = rows.TextAt(slot), Chunk = rows.ChunkIndexAt(slot) };
}
