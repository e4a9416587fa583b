using LodeDb.Embeddings.Onnx;
using LodeDb.TestSupport;

namespace LodeDb.VectorData.Tests;

/// <summary>
/// The real fixture model (tests/fixtures/text-bert: BERT-shaped, 32-d, topic words share
/// directions) that embeds string vector properties. Never a fake embedding.
/// </summary>
internal static class TextFixture
{
    public const int Dimensions = 32;

    /// <summary>One embedder for the test run (thread-safe, one ONNX session).</summary>
    public static readonly Lazy<OnnxTextEmbedder> Embedder = new(() => new OnnxTextEmbedder(RepositoryPaths.TextBert));
}

/// <summary>Deterministic vectors for the vector-in tests (the caller's own vectors, not embeddings).</summary>
internal static class TestVectors
{
    public static float[] Random(int seed, int dim)
    {
        var random = new Random(seed);
        var v = new float[dim];
        for (int i = 0; i < dim; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return v;
    }
}
