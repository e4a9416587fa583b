namespace LodeDb;

/// <summary>
/// One search result: the document's id, its score and its metadata. Vector search scores are
/// cosine-similarity estimates, lexical ones BM25, hybrid ones Reciprocal Rank Fusion sums.
/// </summary>
public sealed record SearchHit(string Id, float Score, IReadOnlyDictionary<string, object?> Metadata)
{
    /// <summary>The best-matching chunk's text (a vector row's caption) when text is stored; else null.</summary>
    public string? Text { get; init; }

    /// <summary>Position of the best-matching chunk within its document (0 for the first, and for vector rows).</summary>
    public int Chunk { get; init; }
}
