namespace LodeDb.Tests.Lexical;

/// <summary>
/// BM25 by brute force straight from the formula, recomputing N, df and avgdl from the live
/// chunks on every query: what the incremental index must agree with.
/// </summary>
internal sealed class Bm25Reference
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    public Dictionary<ulong, string[]> Chunks { get; } = [];

    public void Set(ulong key, string[] tokens)
    {
        if (tokens.Length == 0)
        {
            Chunks.Remove(key);
        }
        else
        {
            Chunks[key] = tokens;
        }
    }

    /// <summary>Every allowed chunk with at least one query term, best first, ties by lower key.</summary>
    public List<(ulong Key, double Score)> ScoreAll(IReadOnlyList<string> query, Func<ulong, bool> allow)
    {
        int n = Chunks.Count;
        var results = new List<(ulong, double)>();
        if (n == 0)
        {
            return results;
        }

        double averageLength = Chunks.Values.Sum(t => (double)t.Length) / n;
        List<string> terms = query.Distinct().ToList();
        var idf = terms.ToDictionary(t => t, t =>
        {
            int df = Chunks.Values.Count(tokens => tokens.Contains(t));
            return Math.Log(1 + (n - df + 0.5) / (df + 0.5));
        });
        foreach ((ulong key, string[] tokens) in Chunks)
        {
            if (!allow(key))
            {
                continue;
            }

            double score = 0;
            bool matched = false;
            foreach (string term in terms)
            {
                int tf = tokens.Count(t => t == term);
                if (tf == 0)
                {
                    continue;
                }

                matched = true;
                score += idf[term] * (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * tokens.Length / averageLength));
            }

            if (matched)
            {
                results.Add((key, score));
            }
        }

        results.Sort((x, y) => y.Item2 != x.Item2 ? y.Item2.CompareTo(x.Item2) : x.Item1.CompareTo(y.Item1));
        return results;
    }
}
