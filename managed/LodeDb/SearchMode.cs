namespace LodeDb;

/// <summary>How <see cref="LodeDatabase.Search"/> ranks documents.</summary>
public enum SearchMode
{
    /// <summary>Cosine similarity of the query's embedding to each chunk's.</summary>
    Vector,

    /// <summary>BM25 (k1 = 1.2, b = 0.75) over each chunk's lexical tokens.</summary>
    Lexical,

    /// <summary>The vector and lexical document rankings fused by Reciprocal Rank Fusion (c = 60).</summary>
    Hybrid,
}
