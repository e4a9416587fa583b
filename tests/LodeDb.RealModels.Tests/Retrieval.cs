using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>Exact (unquantised) cosine retrieval over model vectors, the reference the index is compared with.</summary>
internal static class Retrieval
{
    /// <summary>Index of the best document for each query by exact cosine.</summary>
    public static int[] ExactTop1(float[][] queries, float[][] documents) =>
        [.. queries.Select(q => Enumerable.Range(0, documents.Length).MaxBy(d => Vectors.Cosine(q, documents[d])))];

    /// <summary>Embeds the paraphrase set: documents as documents, questions as queries (prefix applied when the embedder has one).</summary>
    public static (float[][] Documents, float[][] Queries) EmbedSet(OnnxTextEmbedder embedder) =>
        (embedder.Embed(ParaphraseSet.Documents), embedder.Embed(ParaphraseSet.Queries, EmbeddingPurpose.Query));

    /// <summary>Fraction of queries whose top-1 id is the query's own document.</summary>
    public static double RecallAt1(IReadOnlyList<string?> top1) =>
        top1.Select((id, i) => id == ParaphraseSet.Items[i].Id ? 1 : 0).Sum() / (double)top1.Count;
}
