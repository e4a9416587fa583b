using System.Buffers;
using System.Runtime.InteropServices;

namespace LodeDb.Lexical;

/// <summary>
/// In-memory BM25 inverted index over chunks identified by a <see cref="ulong"/> key (a slot or
/// any other chunk key the caller chooses), maintained incrementally by <see cref="Add"/>,
/// <see cref="Remove"/> and <see cref="Replace"/>.
/// </summary>
/// <remarks>
/// <para>Scoring: for each distinct query term <c>t</c> present in chunk <c>d</c>,
/// <c>idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))</c> with
/// <c>idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))</c> (Lucene's non-negative idf),
/// <c>k1 = 1.2</c>, <c>b = 0.75</c>, <c>|d|</c> the chunk's token count, <c>N</c> the number of
/// indexed chunks and <c>avgdl</c> their mean token count. A query term repeated in the query
/// counts once. A chunk added with no tokens is not indexed: it could never match, and counting
/// it would shift idf and avgdl by content nobody can search (Lucene counts only documents that
/// have the field).</para>
/// <para>Representation: each term holds a posting array of (ordinal, tf) in ordinal order.
/// Every <see cref="Add"/> takes a fresh ordinal, so a removed chunk's postings can be left in
/// place (lazy deletion, 8 bytes each) and are never confused with a later chunk under the same
/// key. Document frequency, N and the total length are updated eagerly on removal, so scores
/// never see stale postings; a term whose document frequency falls to zero is dropped at once,
/// a term's posting array is compacted when its dead postings outnumber its live ones, and the
/// ordinal table is renumbered when dead ordinals outnumber live ones. A term compaction costs
/// less than twice the postings it frees, and a renumbering follows at least as many removals as
/// there are live chunks, so removal is amortised O(distinct terms of a chunk). Memory: about
/// 16 bytes per distinct (term, chunk) pair (8 in the posting, 8 in the chunk's own term list
/// that removal walks), dead postings at most matching live ones per term.</para>
/// <para>Thread-safety: like the engine, any number of concurrent readers (<see cref="Search(IReadOnlyList{string}, int, ulong[])"/>,
/// the lookups), or one writer (<see cref="Add"/>, <see cref="Remove"/>, <see cref="Replace"/>,
/// <see cref="Clear"/>) alone; the caller's reader/writer lock enforces it. Readers do not
/// mutate shared state (scratch space comes from <see cref="ArrayPool{T}"/>).</para>
/// </remarks>
internal sealed class Bm25Index
{
    /// <summary>Term-frequency saturation.</summary>
    public const double K1 = 1.2;

    /// <summary>Length normalisation.</summary>
    public const double B = 0.75;

    // Below these sizes compaction is not worth a pass: the garbage is a few cache lines.
    private const int MinTermCompaction = 16;
    private const int MinOrdinalCompaction = 1024;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _ordinalOf = [];
    private readonly List<Bm25Term> _terms = [];
    private readonly Stack<int> _freeTermIds = new();
    private Bm25Chunk[] _chunks = new Bm25Chunk[16];
    private int _ordinalCount;
    private long _totalLength;
    private long _postingCount;

    /// <summary>Number of indexed chunks (N).</summary>
    public int Count => _ordinalOf.Count;

    /// <summary>Sum of the token counts of the indexed chunks.</summary>
    public long TotalLength => _totalLength;

    /// <summary>Mean token count of an indexed chunk (avgdl); 0 when empty.</summary>
    public double AverageLength => Count == 0 ? 0 : (double)_totalLength / Count;

    /// <summary>Number of distinct terms in the indexed chunks.</summary>
    public int TermCount => _termIds.Count;

    /// <summary>Postings held, dead ones included (for memory accounting and tests).</summary>
    internal long PostingCount => _postingCount;

    /// <summary>Ordinals held, dead ones included (for memory accounting and tests).</summary>
    internal int OrdinalCount => _ordinalCount;

    /// <summary>True when <paramref name="key"/> is indexed.</summary>
    public bool Contains(ulong key) => _ordinalOf.ContainsKey(key);

    /// <summary>Number of indexed chunks containing <paramref name="term"/>.</summary>
    public int DocumentFrequency(string term) => _termIds.TryGetValue(term, out int id) ? _terms[id].Live : 0;

    /// <summary>
    /// Indexes chunk <paramref name="key"/> with its <paramref name="tokens"/> (already produced
    /// by <see cref="LexicalTokenizer"/>; duplicates are its term frequencies). An empty list
    /// indexes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key is already indexed; use <see cref="Replace"/>.</exception>
    public void Add(ulong key, IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (_ordinalOf.ContainsKey(key))
        {
            throw new InvalidOperationException($"Chunk {key} is already indexed; replace it instead.");
        }

        if (tokens.Count == 0)
        {
            return;
        }

        // Count frequencies first so each term gets one posting; terms read from a file come
        // counted already (never expanded into a token per occurrence).
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        if (tokens is TermList counted)
        {
            foreach ((string term, int frequency) in counted.Terms)
            {
                ArgumentException.ThrowIfNullOrEmpty(term, nameof(tokens));
                CollectionsMarshal.GetValueRefOrAddDefault(frequencies, term, out _) += frequency;
            }
        }
        else
        {
            foreach (string token in tokens)
            {
                ArgumentException.ThrowIfNullOrEmpty(token, nameof(tokens));
                CollectionsMarshal.GetValueRefOrAddDefault(frequencies, token, out _)++;
            }
        }

        int ordinal = NewOrdinal();
        var termIds = new int[frequencies.Count];
        var counts = new int[frequencies.Count];
        int n = 0;
        foreach ((string token, int tf) in frequencies)
        {
            int id = TermIdFor(token);
            Bm25Term term = _terms[id];
            term.Append(ordinal, tf);
            _postingCount++;
            termIds[n] = id;
            counts[n] = tf;
            n++;
        }

        _chunks[ordinal] = new Bm25Chunk(key, tokens.Count, termIds, counts);
        _ordinalOf.Add(key, ordinal);
        _totalLength += tokens.Count;
    }

    /// <summary>Removes chunk <paramref name="key"/> and all it contributed; false when absent.</summary>
    public bool Remove(ulong key)
    {
        if (!_ordinalOf.Remove(key, out int ordinal))
        {
            return false;
        }

        Bm25Chunk chunk = _chunks[ordinal];
        _chunks[ordinal] = default;
        _totalLength -= chunk.Length;
        foreach (int id in chunk.TermIds!)
        {
            Bm25Term term = _terms[id];
            term.Live--;
            if (term.Live == 0)
            {
                // Every remaining posting of the term is dead: drop the term and them at once.
                _postingCount -= term.Count;
                _termIds.Remove(term.Text);
                _terms[id] = null!;
                _freeTermIds.Push(id);
            }
            else if (term.Count - term.Live >= MinTermCompaction && term.Count - term.Live > term.Live)
            {
                _postingCount -= term.Compact(_chunks);
            }
        }

        int deadOrdinals = _ordinalCount - _ordinalOf.Count;
        if (deadOrdinals >= MinOrdinalCompaction && deadOrdinals > _ordinalOf.Count)
        {
            CompactOrdinals();
        }

        return true;
    }

    /// <summary>Indexes <paramref name="key"/> with new tokens, removing its old ones; true when it was indexed before.</summary>
    public bool Replace(ulong key, IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        bool existed = Remove(key);
        Add(key, tokens);
        return existed;
    }

    /// <summary>Removes every chunk.</summary>
    public void Clear()
    {
        _termIds.Clear();
        _ordinalOf.Clear();
        _terms.Clear();
        _freeTermIds.Clear();
        _chunks = new Bm25Chunk[16];
        _ordinalCount = 0;
        _totalLength = 0;
        _postingCount = 0;
    }

    /// <summary>
    /// The distinct terms of chunk <paramref name="key"/> with their frequencies, in no particular
    /// order; empty when the key is not indexed. What a journal of removals or a rebuild needs.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int>> GetTerms(ulong key)
    {
        if (!_ordinalOf.TryGetValue(key, out int ordinal))
        {
            return [];
        }

        Bm25Chunk chunk = _chunks[ordinal];
        var terms = new KeyValuePair<string, int>[chunk.TermIds!.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = new(_terms[chunk.TermIds[i]].Text, chunk.Frequencies![i]);
        }

        return terms;
    }

    /// <summary>Token count of chunk <paramref name="key"/>; 0 when not indexed.</summary>
    public int LengthOf(ulong key) => _ordinalOf.TryGetValue(key, out int ordinal) ? _chunks[ordinal].Length : 0;

    /// <summary>
    /// The top <paramref name="k"/> chunks for <paramref name="queryTokens"/> among those whose key
    /// is set in <paramref name="allowMask"/> (bit <c>key % 64</c> of word <c>key / 64</c>, the
    /// engine's slot mask; keys past its end are not allowed; null allows every key). Only chunks
    /// containing at least one query term are returned, best score first, ties by lower key; fewer
    /// than <paramref name="k"/> when fewer match, never padded.
    /// </summary>
    public IReadOnlyList<LexicalHit> Search(IReadOnlyList<string> queryTokens, int k, ulong[]? allowMask = null) =>
        allowMask is null ? SearchCore(queryTokens, k, new AllowAll()) : SearchCore(queryTokens, k, new AllowMask(allowMask));

    /// <summary>As <see cref="Search(IReadOnlyList{string}, int, ulong[])"/>, allowing the keys for which <paramref name="allow"/> is true.</summary>
    public IReadOnlyList<LexicalHit> Search(IReadOnlyList<string> queryTokens, int k, Func<ulong, bool> allow)
    {
        ArgumentNullException.ThrowIfNull(allow);
        return SearchCore(queryTokens, k, new AllowPredicate(allow));
    }

    private IReadOnlyList<LexicalHit> SearchCore<TAllow>(IReadOnlyList<string> queryTokens, int k, TAllow allow)
        where TAllow : struct, IAllow
    {
        ArgumentNullException.ThrowIfNull(queryTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        int n = Count;
        if (n == 0 || queryTokens.Count == 0)
        {
            return [];
        }

        double averageLength = (double)_totalLength / n;
        // Dense accumulators indexed by ordinal: one pass per term with no hashing; the touched
        // list keeps the final selection proportional to the matches, not to N.
        // Pooled arrays come back dirty from other renters, so the accumulators are cleared here
        // (a memset of 8 bytes per ordinal, small next to walking a common term's postings).
        double[] scores = ArrayPool<double>.Shared.Rent(_ordinalCount);
        scores.AsSpan(0, _ordinalCount).Clear();
        int[] touched = ArrayPool<int>.Shared.Rent(Math.Min(_ordinalCount, 1024));
        int touchedCount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (string token in queryTokens)
            {
                if (token is null || !seen.Add(token) || !_termIds.TryGetValue(token, out int id))
                {
                    continue;
                }

                Bm25Term term = _terms[id];
                double idf = Idf(n, term.Live);
                ReadOnlySpan<Bm25Posting> postings = term.Postings;
                foreach (Bm25Posting posting in postings)
                {
                    ref readonly Bm25Chunk chunk = ref _chunks[posting.Ordinal];
                    if (chunk.TermIds is null || !allow.Allows(chunk.Key))
                    {
                        continue;
                    }

                    double contribution = TermScore(idf, posting.Frequency, chunk.Length, averageLength);
                    ref double score = ref scores[posting.Ordinal];
                    if (score == 0)
                    {
                        if (touchedCount == touched.Length)
                        {
                            int[] larger = ArrayPool<int>.Shared.Rent(touched.Length * 2);
                            touched.AsSpan(0, touchedCount).CopyTo(larger);
                            ArrayPool<int>.Shared.Return(touched);
                            touched = larger;
                        }

                        touched[touchedCount++] = posting.Ordinal;
                        score = contribution;
                    }
                    else
                    {
                        score += contribution;
                    }
                }
            }

            return TopK(scores, touched.AsSpan(0, touchedCount), k);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(touched);
        }
    }

    /// <summary>Lucene's BM25 idf, never negative.</summary>
    internal static double Idf(int documentCount, int documentFrequency) =>
        Math.Log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));

    /// <summary>One term's BM25 contribution to one chunk.</summary>
    internal static double TermScore(double idf, int frequency, int length, double averageLength) =>
        idf * (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + B * length / averageLength));

    private List<LexicalHit> TopK(double[] scores, ReadOnlySpan<int> touched, int k)
    {
        // A bounded heap whose root is the worst kept hit: O(matches * log k).
        var heap = new PriorityQueue<LexicalHit, LexicalHit>(Math.Min(k, touched.Length) + 1, WorstFirst.Instance);
        foreach (int ordinal in touched)
        {
            var hit = new LexicalHit(_chunks[ordinal].Key, scores[ordinal]);
            if (heap.Count < k)
            {
                heap.Enqueue(hit, hit);
            }
            else if (WorstFirst.Instance.Compare(hit, heap.Peek()) > 0)
            {
                heap.DequeueEnqueue(hit, hit);
            }
        }

        var hits = new List<LexicalHit>(heap.Count);
        while (heap.Count > 0)
        {
            hits.Add(heap.Dequeue());
        }

        hits.Reverse();
        return hits;
    }

    private int NewOrdinal()
    {
        if (_ordinalCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        return _ordinalCount++;
    }

    private int TermIdFor(string token)
    {
        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_termIds, token, out bool exists);
        if (exists)
        {
            return id;
        }

        var term = new Bm25Term(token);
        if (_freeTermIds.TryPop(out int free))
        {
            _terms[free] = term;
            id = free;
        }
        else
        {
            id = _terms.Count;
            _terms.Add(term);
        }

        return id;
    }

    private void CompactOrdinals()
    {
        // Renumbers live chunks densely in their current order, so every posting array stays
        // sorted by ordinal after the remap.
        var remap = new int[_ordinalCount];
        var chunks = new Bm25Chunk[Math.Max(16, _ordinalOf.Count * 2)];
        int next = 0;
        for (int ordinal = 0; ordinal < _ordinalCount; ordinal++)
        {
            if (_chunks[ordinal].TermIds is null)
            {
                remap[ordinal] = -1;
                continue;
            }

            remap[ordinal] = next;
            chunks[next] = _chunks[ordinal];
            _ordinalOf[chunks[next].Key] = next;
            next++;
        }

        long postings = 0;
        foreach (Bm25Term? term in _terms)
        {
            if (term is not null)
            {
                term.Remap(remap);
                postings += term.Count;
            }
        }

        _chunks = chunks;
        _ordinalCount = next;
        _postingCount = postings;
    }

    private interface IAllow
    {
        bool Allows(ulong key);
    }

    private readonly struct AllowAll : IAllow
    {
        public bool Allows(ulong key) => true;
    }

    private readonly struct AllowMask(ulong[] mask) : IAllow
    {
        public bool Allows(ulong key)
        {
            ulong word = key >> 6;
            return word < (ulong)mask.Length && (mask[word] & (1UL << (int)(key & 63))) != 0;
        }
    }

    private readonly struct AllowPredicate(Func<ulong, bool> allow) : IAllow
    {
        public bool Allows(ulong key) => allow(key);
    }

    /// <summary>Orders hits worst first: the reverse of <see cref="RankOrder"/> (lower score, then higher key).</summary>
    private sealed class WorstFirst : IComparer<LexicalHit>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare(LexicalHit x, LexicalHit y) => RankOrder.Compare(y.Score, y.Key, x.Score, x.Key);
    }
}
