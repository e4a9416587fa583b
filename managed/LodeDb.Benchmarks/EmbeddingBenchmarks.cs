using BenchmarkDotNet.Attributes;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Benchmarks;

/// <summary>
/// Embed throughput of <see cref="OnnxTextEmbedder"/> on the fixture model
/// (tests/fixtures/text-bert): one call embeds 256 short sentences (6 to 12 words) in batches of
/// 32 (the default batch size), and is reported per text (OperationsPerInvoke = 256), so the
/// table's Mean/P50 are the time of one text; the <c>Texts/s (P50)</c> column is 1 s / P50.
/// The session is created once (GlobalSetup), as a database reuses it.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class EmbeddingBenchmarks
{
    private const int Texts = 256;

    private OnnxTextEmbedder? _embedder;
    private string[] _texts = [];

    [GlobalSetup]
    public void Setup()
    {
        _embedder = TextFixtureData.OpenEmbedder();
        _texts = TextFixtureData.Sentences(Texts, TestData.RowSeed);
        if (_embedder.BatchSize != 32 || _embedder.Embed(_texts).Length != Texts)
        {
            throw new InvalidOperationException("The embedder was not set up as expected.");
        }
    }

    [Benchmark(OperationsPerInvoke = Texts, Description = "Embed 256 sentences, batches of 32 (per text)")]
    public int Embed256() => _embedder!.Embed(_texts).Length;

    [GlobalCleanup]
    public void Cleanup()
    {
        _embedder?.Dispose();
        _embedder = null;
    }
}
