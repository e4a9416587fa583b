namespace LodeDb.Lexical;

/// <summary>One fused result: the key and its Reciprocal Rank Fusion score.</summary>
internal readonly record struct FusedHit<TKey>(TKey Key, double Score);

/// <summary>
/// Reciprocal Rank Fusion: each key scores <c>sum over rankings of 1 / (c + rank)</c>, rank
/// starting at 1, <c>c = 60</c> (Cormack, Clarke and Buettcher 2009). Only ranks matter, so the
/// cosine scores of the vector ranker and the BM25 scores of the lexical ranker never need to be
/// put on one scale.
/// </summary>
/// <remarks>
/// <para>Granularity: fusion is per <em>document</em>. The text path collapses each ranking of
/// chunks to documents first with <see cref="CollapseToDocuments{TChunk, TDocument}"/> (a
/// document takes the rank of its best chunk in that ranking), then fuses the document rankings.
/// Fusing chunks and grouping afterwards would reward a document for having many chunks and let
/// one long document fill several of the top ranks; results are per document anyway. Each
/// ranker should be asked for more chunks than k so that k documents survive collapsing.</para>
/// <para>Ties, deterministic without needing an order on keys: higher score first; then the
/// better (lower) best rank in any ranking; then the earlier ranking holding that best rank
/// (pass the primary ranker first). No two keys can agree on all three, since one ranking holds
/// a key once per rank. Each key's contributions are summed in ascending rank order, so keys
/// with the same ranks in different rankings get bit-identical scores and do tie.</para>
/// <para>Within one ranking a key counts at its first position; later repeats are ignored (and
/// do not shift the ranks of the keys after them). Thread-safe: stateless.</para>
/// </remarks>
internal static class ReciprocalRankFusion
{
    /// <summary>The contract's rank constant.</summary>
    public const int DefaultC = 60;

    /// <summary>Fuses <paramref name="rankings"/> (keys best first) and returns the top <paramref name="k"/>.</summary>
    public static IReadOnlyList<FusedHit<TKey>> Fuse<TKey>(IReadOnlyList<IReadOnlyList<TKey>> rankings, int k, int c = DefaultC)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        var candidates = new Dictionary<TKey, Candidate<TKey>>();
        for (int list = 0; list < rankings.Count; list++)
        {
            IReadOnlyList<TKey> ranking = rankings[list] ?? throw new ArgumentException($"Ranking {list} is null.", nameof(rankings));
            for (int position = 0; position < ranking.Count; position++)
            {
                TKey key = ranking[position];
                int rank = position + 1;
                if (!candidates.TryGetValue(key, out Candidate<TKey>? candidate))
                {
                    candidate = new Candidate<TKey>(key, rank, list);
                    candidates.Add(key, candidate);
                }
                else if (candidate.LastList == list)
                {
                    continue;
                }
                else if (rank < candidate.BestRank)
                {
                    // Strictly better only: an equal rank in a later ranking keeps the earlier one.
                    candidate.BestRank = rank;
                    candidate.BestList = list;
                }

                candidate.LastList = list;
                candidate.Ranks.Add(rank);
            }
        }

        var fused = new List<Candidate<TKey>>(candidates.Count);
        foreach (Candidate<TKey> candidate in candidates.Values)
        {
            candidate.Ranks.Sort();
            double score = 0;
            foreach (int rank in candidate.Ranks)
            {
                score += 1.0 / (c + rank);
            }

            candidate.Score = score;
            fused.Add(candidate);
        }

        fused.Sort(static (x, y) =>
        {
            int order = y.Score.CompareTo(x.Score);
            if (order == 0)
            {
                order = x.BestRank.CompareTo(y.BestRank);
            }

            return order != 0 ? order : x.BestList.CompareTo(y.BestList);
        });

        int count = Math.Min(k, fused.Count);
        var hits = new FusedHit<TKey>[count];
        for (int i = 0; i < count; i++)
        {
            hits[i] = new FusedHit<TKey>(fused[i].Key, fused[i].Score);
        }

        return hits;
    }

    /// <summary>
    /// Collapses a ranking of chunks (best first) to a ranking of documents: each document appears
    /// once, at the position of its best (first) chunk, paired with that chunk.
    /// </summary>
    public static IReadOnlyList<(TDocument Document, TChunk BestChunk)> CollapseToDocuments<TChunk, TDocument>(
        IReadOnlyList<TChunk> chunkRanking, Func<TChunk, TDocument> documentOf)
        where TDocument : notnull
    {
        ArgumentNullException.ThrowIfNull(chunkRanking);
        ArgumentNullException.ThrowIfNull(documentOf);
        var seen = new HashSet<TDocument>();
        var documents = new List<(TDocument, TChunk)>();
        foreach (TChunk chunk in chunkRanking)
        {
            TDocument document = documentOf(chunk);
            if (seen.Add(document))
            {
                documents.Add((document, chunk));
            }
        }

        return documents;
    }

    private sealed class Candidate<TKey>(TKey key, int rank, int list)
    {
        public TKey Key { get; } = key;

        public int BestRank { get; set; } = rank;

        public int BestList { get; set; } = list;

        public int LastList { get; set; } = list;

        public List<int> Ranks { get; } = [];

        public double Score { get; set; }
    }
}
