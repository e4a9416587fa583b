using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>The searches of <see cref="NativeIndex"/>: top-k, scan candidates, and both over documents.</summary>
public sealed unsafe partial class NativeIndex
{
    // An empty span pins to NULL, which the C side reads as "no filter" / "no document map":
    // an empty filter must not widen to every slot, nor an empty map turn a document search
    // into a slot search, so these stand in for empty spans (the lengths passed stay 0).
    private static readonly ulong[] EmptyMask = new ulong[1];
    private static readonly uint[] EmptyDocuments = new uint[1];

    /// <summary>
    /// The threads argument that lets the library choose (LODEDB_THREADS_AUTO): threads only on
    /// large indexes, at most 8 and no more than the CPUs; the native core owns that rule.
    /// Every other value is a cap: 0 or 1 scans on the calling thread, n &gt; 1 allows up to
    /// min(n, <see cref="NativeConstants.MaxThreads"/>) threads, fewer on small indexes.
    /// </summary>
    public const int AutoThreads = -1;

    private enum SearchKind
    {
        /// <summary>lodedb_index_search(_documents): the scan, then the exact re-rank.</summary>
        Ranked,

        /// <summary>lodedb_index_search_(document_)candidates: the scan's scores only.</summary>
        Candidates,
    }

    /// <summary>
    /// Top-k search over every live slot, without allocation. queries holds
    /// queryCount * Dimension floats; slots and scores receive queryCount * k entries (query q
    /// at [q*k, q*k + counts[q]), best first, unused entries NoSlot and 0) and counts queryCount.
    /// threads: 0 or 1 scans on this thread, more is a cap on the threads the scan is split
    /// across, <see cref="AutoThreads"/> lets the library choose (see <see cref="SearchThreads"/>).
    /// Results never depend on threads.
    /// </summary>
    public void Search(ReadOnlySpan<float> queries, int k, int threads,
        Span<ulong> slots, Span<float> scores, Span<uint> counts) =>
        SearchCore(queries, k, null, 0, null, 0, threads, slots, scores, counts, SearchKind.Ranked);

    /// <summary>
    /// Filtered top-k search, without allocation: as the overload without a mask, but only
    /// slots whose bit is set in allowMask can be returned (bit s % 64 of word s / 64 allows
    /// slot s; slots beyond allowMask.Length * 64 are not allowed). An empty mask allows
    /// nothing: to search everything use the overload without a mask.
    /// </summary>
    public void Search(ReadOnlySpan<float> queries, int k, ReadOnlySpan<ulong> allowMask, int threads,
        Span<ulong> slots, Span<float> scores, Span<uint> counts)
    {
        fixed (ulong* mask = allowMask.IsEmpty ? EmptyMask : allowMask)
        {
            SearchCore(queries, k, mask, (ulong)allowMask.Length, null, 0, threads, slots, scores, counts, SearchKind.Ranked);
        }
    }

    /// <summary>Top-k search over every live slot, returning each query's hits best first.</summary>
    public SlotHit[][] Search(ReadOnlySpan<float> queries, int k, int threads = 0) =>
        SearchToArrays(queries, k, null, 0, null, 0, threads);

    /// <summary>Filtered top-k search (see the span overload for the mask), returning each
    /// query's hits best first.</summary>
    public SlotHit[][] Search(ReadOnlySpan<float> queries, int k, ReadOnlySpan<ulong> allowMask, int threads = 0)
    {
        fixed (ulong* mask = allowMask.IsEmpty ? EmptyMask : allowMask)
        {
            return SearchToArrays(queries, k, mask, (ulong)allowMask.Length, null, 0, threads);
        }
    }

    /// <summary>
    /// The scan's best <paramref name="count"/> candidates per query without the exact
    /// re-rank <see cref="Search(ReadOnlySpan{float}, int, int, Span{ulong}, Span{float}, Span{uint})"/>
    /// applies: scores are the 8-bit scan's approximate estimates, best first (ties by lower
    /// slot), for callers that re-score the candidates from vectors kept elsewhere. Layout,
    /// threads and allocation as for that overload, with k = count.
    /// </summary>
    public void SearchCandidates(ReadOnlySpan<float> queries, int count, int threads,
        Span<ulong> slots, Span<float> scores, Span<uint> counts) =>
        SearchCore(queries, count, null, 0, null, 0, threads, slots, scores, counts, SearchKind.Candidates);

    /// <summary>
    /// Filtered <see cref="SearchCandidates(ReadOnlySpan{float}, int, int, Span{ulong}, Span{float}, Span{uint})"/>:
    /// only slots allowed by <paramref name="allowMask"/> (as for the filtered
    /// <see cref="Search(ReadOnlySpan{float}, int, ReadOnlySpan{ulong}, int, Span{ulong}, Span{float}, Span{uint})"/>;
    /// an empty mask allows nothing).
    /// </summary>
    public void SearchCandidates(ReadOnlySpan<float> queries, int count, ReadOnlySpan<ulong> allowMask, int threads,
        Span<ulong> slots, Span<float> scores, Span<uint> counts)
    {
        fixed (ulong* mask = allowMask.IsEmpty ? EmptyMask : allowMask)
        {
            SearchCore(queries, count, mask, (ulong)allowMask.Length, null, 0, threads, slots, scores, counts, SearchKind.Candidates);
        }
    }

    /// <summary>
    /// Document-aware top-k in one scan (lodedb_index_search_documents): slot s belongs to
    /// document <paramref name="slotDocuments"/>[s] (exactly <see cref="SlotCount"/> entries; any
    /// uint numbers, only equality matters), and each query gets min(k, documents with an
    /// allowed live slot) distinct documents, each at its best slot by the scan (ties: lower
    /// slot) with that slot's exact estimate, best first, however many chunks of one document
    /// outrank the others. Layout, threads and allocation as for
    /// <see cref="Search(ReadOnlySpan{float}, int, int, Span{ulong}, Span{float}, Span{uint})"/>.
    /// </summary>
    public void SearchDocuments(ReadOnlySpan<float> queries, int k, ReadOnlySpan<uint> slotDocuments, int threads,
        Span<ulong> slots, Span<float> scores, Span<uint> counts) =>
        SearchDocumentsCore(queries, k, slotDocuments, null, 0, threads, slots, scores, counts, SearchKind.Ranked);

    /// <summary>Filtered <see cref="SearchDocuments(ReadOnlySpan{float}, int, ReadOnlySpan{uint}, int, Span{ulong}, Span{float}, Span{uint})"/>
    /// (the mask as for the filtered Search; an empty mask allows nothing).</summary>
    public void SearchDocuments(ReadOnlySpan<float> queries, int k, ReadOnlySpan<uint> slotDocuments, ReadOnlySpan<ulong> allowMask,
        int threads, Span<ulong> slots, Span<float> scores, Span<uint> counts)
    {
        fixed (ulong* mask = allowMask.IsEmpty ? EmptyMask : allowMask)
        {
            SearchDocumentsCore(queries, k, slotDocuments, mask, (ulong)allowMask.Length, threads, slots, scores, counts, SearchKind.Ranked);
        }
    }

    /// <summary>
    /// The scan's best <paramref name="count"/> documents per query without the exact re-rank
    /// (lodedb_index_search_document_candidates): each document at its best slot by the scan's
    /// approximate score, with that score, best first; for callers that re-score the
    /// candidates elsewhere. slotDocuments as for
    /// <see cref="SearchDocuments(ReadOnlySpan{float}, int, ReadOnlySpan{uint}, int, Span{ulong}, Span{float}, Span{uint})"/>.
    /// </summary>
    public void SearchDocumentCandidates(ReadOnlySpan<float> queries, int count, ReadOnlySpan<uint> slotDocuments, int threads,
        Span<ulong> slots, Span<float> scores, Span<uint> counts) =>
        SearchDocumentsCore(queries, count, slotDocuments, null, 0, threads, slots, scores, counts, SearchKind.Candidates);

    /// <summary>Filtered <see cref="SearchDocumentCandidates(ReadOnlySpan{float}, int, ReadOnlySpan{uint}, int, Span{ulong}, Span{float}, Span{uint})"/>
    /// (an empty mask allows nothing).</summary>
    public void SearchDocumentCandidates(ReadOnlySpan<float> queries, int count, ReadOnlySpan<uint> slotDocuments,
        ReadOnlySpan<ulong> allowMask, int threads, Span<ulong> slots, Span<float> scores, Span<uint> counts)
    {
        fixed (ulong* mask = allowMask.IsEmpty ? EmptyMask : allowMask)
        {
            SearchDocumentsCore(queries, count, slotDocuments, mask, (ulong)allowMask.Length, threads, slots, scores, counts, SearchKind.Candidates);
        }
    }

    /// <summary>Document-aware top-k (see the span overload), returning each query's hits best first.</summary>
    public SlotHit[][] SearchDocuments(ReadOnlySpan<float> queries, int k, ReadOnlySpan<uint> slotDocuments, int threads = 0)
    {
        fixed (uint* docs = slotDocuments.IsEmpty ? EmptyDocuments : slotDocuments)
        {
            return SearchToArrays(queries, k, null, 0, docs, (ulong)slotDocuments.Length, threads);
        }
    }

    private void SearchDocumentsCore(ReadOnlySpan<float> queries, int k, ReadOnlySpan<uint> slotDocuments, ulong* mask, ulong maskWords,
        int threads, Span<ulong> slots, Span<float> scores, Span<uint> counts, SearchKind kind)
    {
        fixed (uint* docs = slotDocuments.IsEmpty ? EmptyDocuments : slotDocuments)
        {
            SearchCore(queries, k, mask, maskWords, docs, (ulong)slotDocuments.Length, threads, slots, scores, counts, kind);
        }
    }

    private SlotHit[][] SearchToArrays(ReadOnlySpan<float> queries, int k, ulong* mask, ulong maskWords,
        uint* docs, ulong docCount, int threads)
    {
        int queryCount = checked((int)RowCount(queries, nameof(queries)));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var slots = new ulong[checked(queryCount * k)];
        var scores = new float[slots.Length];
        var counts = new uint[queryCount];
        SearchCore(queries, k, mask, maskWords, docs, docCount, threads, slots, scores, counts, SearchKind.Ranked);
        var results = new SlotHit[queryCount][];
        for (int q = 0; q < queryCount; q++)
        {
            var hits = new SlotHit[counts[q]];
            for (int i = 0; i < hits.Length; i++)
            {
                hits[i] = new SlotHit(slots[q * k + i], scores[q * k + i]);
            }
            results[q] = hits;
        }
        return results;
    }

    /// <summary>docs NULL: a slot search; else a document search over docCount entries.</summary>
    private void SearchCore(ReadOnlySpan<float> queries, int k, ulong* mask, ulong maskWords, uint* docs, ulong docCount,
        int threads, Span<ulong> slots, Span<float> scores, Span<uint> counts, SearchKind kind)
    {
        ulong queryCount = RowCount(queries, nameof(queries));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        uint nativeThreads = NativeThreads(threads);
        // The C side gets no lengths for the outputs: a short span here would be a heap overrun there.
        ulong entries = queryCount * (ulong)k;
        RequireAtLeast(slots.Length, entries, nameof(slots));
        RequireAtLeast(scores.Length, entries, nameof(scores));
        RequireAtLeast(counts.Length, queryCount, nameof(counts));
        fixed (float* q = queries)
        fixed (ulong* outSlots = slots)
        fixed (float* outScores = scores)
        fixed (uint* outCounts = counts)
        {
            NativeStatus.Check((kind, docs is null) switch
            {
                (SearchKind.Ranked, true) => NativeMethods.IndexSearch(_handle, q, queryCount, (uint)k, mask, maskWords,
                    nativeThreads, outSlots, outScores, outCounts),
                (SearchKind.Candidates, true) => NativeMethods.IndexSearchCandidates(_handle, q, queryCount, (uint)k, mask,
                    maskWords, nativeThreads, outSlots, outScores, outCounts),
                (SearchKind.Ranked, false) => NativeMethods.IndexSearchDocuments(_handle, q, queryCount, (uint)k, mask,
                    maskWords, docs, docCount, nativeThreads, outSlots, outScores, outCounts),
                _ => NativeMethods.IndexSearchDocumentCandidates(_handle, q, queryCount, (uint)k, mask, maskWords, docs,
                    docCount, nativeThreads, outSlots, outScores, outCounts),
            });
        }
    }

    /// <summary>How many threads a search of this index would use now for a threads argument
    /// (lodedb_index_search_threads: the native rule, for diagnostics and tests).</summary>
    public int SearchThreads(int threads) => checked((int)NativeMethods.IndexSearchThreads(_handle, NativeThreads(threads)));

    private static uint NativeThreads(int threads)
    {
        if (threads == AutoThreads)
        {
            return NativeConstants.ThreadsAuto;
        }
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        return (uint)threads;
    }
}
