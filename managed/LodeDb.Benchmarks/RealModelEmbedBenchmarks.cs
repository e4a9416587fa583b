using BenchmarkDotNet.Attributes;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Benchmarks;

/// <summary>
/// Embed throughput of the real all-MiniLM-L6-v2 (90 MB, 6 layers, 384-d; <see cref="RealModelData"/>):
/// one call embeds 128 short sentences (6 to 12 words) in batches of <see cref="Batch"/> with
/// ONNX Runtime limited to <see cref="Threads"/> intra-op threads, reported per text
/// (OperationsPerInvoke = 128): texts/s = 1 s / P50.
/// </summary>
[Config(typeof(LatencyConfig))]
public class RealModelEmbedBenchmarks
{
    private const int Texts = 128;

    private OnnxTextEmbedder? _embedder;
    private string[] _texts = [];

    [Params(1, 32, 128)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = RealModelData.Open(Batch, Threads);
        _texts = TextFixtureData.Sentences(Texts, TestData.RowSeed);
    }

    [Benchmark(OperationsPerInvoke = Texts, Description = "minilm: embed 128 short sentences (per text)")]
    public int Embed() => _embedder!.Embed(_texts).Length;

    [GlobalCleanup]
    public void Cleanup() => _embedder?.Dispose();
}
