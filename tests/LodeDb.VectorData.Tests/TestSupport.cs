using LodeDb.Embeddings.Onnx;

namespace LodeDb.VectorData.Tests;

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
internal sealed class TestFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lodedb-vectordata-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>
/// The real fixture model (tests/fixtures/text-bert: BERT-shaped, 32-d, topic words share
/// directions) that embeds string vector properties. Never a fake embedding.
/// </summary>
internal static class TextFixture
{
    public const int Dimensions = 32;

    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                return System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "text-bert");
            }
        }

        throw new DirectoryNotFoundException("LodeDb.Native.sln not found above the test assembly.");
    });

    /// <summary>One embedder for the test run (thread-safe, one ONNX session).</summary>
    public static readonly Lazy<OnnxTextEmbedder> Embedder = new(() => new OnnxTextEmbedder(Folder.Value));
}

/// <summary>Deterministic vectors for the vector-in tests (the caller's own vectors, not embeddings).</summary>
internal static class Vectors
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

    /// <summary>A unit vector along axis <paramref name="axis"/>, tilted slightly toward the next axis by <paramref name="tilt"/>.</summary>
    public static float[] Axis(int dim, int axis, float tilt = 0)
    {
        var v = new float[dim];
        v[axis] = 1;
        v[(axis + 1) % dim] = tilt;
        return v;
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
