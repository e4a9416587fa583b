namespace LodeDb.VectorData;

/// <summary>
/// Reciprocal Rank Fusion of a vector ranking and a keyword (BM25) ranking of rows, the same
/// contract as LodeDb's own hybrid search: a row scores the sum over rankings of 1 / (60 + rank),
/// rank from 1; ties go to the better best rank, then to the vector ranking. Here because the core
/// fuses only when it embeds the query text itself, and an MEVD hybrid search brings its vector
/// and its keywords separately.
/// </summary>
internal static class HybridFusion
{
    public const int C = 60;

    public static List<(SearchHit Hit, double Score)> Fuse(IReadOnlyList<SearchHit> vector, IReadOnlyList<SearchHit> keyword)
    {
        var fused = new Dictionary<string, (SearchHit Hit, double Score, int BestRank, int BestList)>(StringComparer.Ordinal);
        IReadOnlyList<SearchHit>[] rankings = [vector, keyword];
        for (int list = 0; list < rankings.Length; list++)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int position = 0; position < rankings[list].Count; position++)
            {
                SearchHit hit = rankings[list][position];
                if (!seen.Add(hit.Id))
                {
                    continue;
                }

                int rank = position + 1;
                double contribution = 1.0 / (C + rank);
                fused[hit.Id] = fused.TryGetValue(hit.Id, out var current)
                    ? (current.Hit, current.Score + contribution, Math.Min(current.BestRank, rank), rank < current.BestRank ? list : current.BestList)
                    : (hit, contribution, rank, list);
            }
        }

        return fused.Values
            .OrderByDescending(entry => entry.Score)
            .ThenBy(entry => entry.BestRank)
            .ThenBy(entry => entry.BestList)
            .Select(entry => (entry.Hit, entry.Score))
            .ToList();
    }
}
