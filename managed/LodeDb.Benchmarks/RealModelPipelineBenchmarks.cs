using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Benchmarks;

/// <summary>
/// Where the time of an end-to-end text <c>AddMany</c> of 10,000 short documents goes with the real
/// all-MiniLM-L6-v2 (default batches of 32, ONNX Runtime's default threads, WAL mode, text stored
/// and indexed): the whole add; tokenizing alone; embedding (tokenize + ONNX Runtime + pooling);
/// and <c>AddVectors</c> of the same 10,000 precomputed vectors (TurboQuant encode + WAL + rows,
/// no model). Each iteration is one call on a fresh store (RunStrategy.Monitoring, no warm-up:
/// a call lasts tens of seconds, JIT is noise; 2 measured iterations), so the table's Mean is the
/// time of one 10,000-document call.
/// </summary>
[Config(typeof(LatencyConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 2, id: "Pipeline")]
public class RealModelPipelineBenchmarks
{
    private const int Documents = 10_000;

    private OnnxTextEmbedder? _embedder;
    private string[] _texts = [];
    private string[] _ids = [];
    private float[][] _vectors = [];
    private string? _folder;
    private LodeDatabase? _db;

    [GlobalSetup]
    public void Setup()
    {
        _embedder = RealModelData.Open();
        _texts = TextFixtureData.Sentences(Documents, TestData.RowSeed);
        _ids = [.. Enumerable.Range(0, Documents).Select(i => $"d{i}")];
        _vectors = RealModelData.Vectors(_embedder, _texts);
    }

    [IterationSetup(Targets = [nameof(AddText), nameof(AddVectors)])]
    public void FreshStore()
    {
        _folder = TestData.NewTempFolder("real-add");
        _db = LodeDatabase.Open(_folder, new LodeDbOptions { Embedder = _embedder, ModelName = RealModelData.ModelName, CommitMode = CommitMode.Wal });
    }

    [IterationCleanup(Targets = [nameof(AddText), nameof(AddVectors)])]
    public void DropStore()
    {
        _db?.Dispose();
        Directory.Delete(_folder!, recursive: true);
    }

    [Benchmark(Description = "AddMany 10,000 short documents (embed + store)")]
    public int AddText() => _db!.AddMany(_texts, _ids).Count;

    [Benchmark(Description = "tokenize 10,000")]
    public int Tokenize()
    {
        int tokens = 0;
        foreach (string text in _texts)
        {
            tokens += _embedder!.Tokenize(text).Count;
        }

        return tokens;
    }

    [Benchmark(Description = "embed 10,000 (tokenize + ONNX + pooling)")]
    public int Embed() => _embedder!.Embed(_texts).Length;

    [Benchmark(Description = "AddVectors 10,000 precomputed (encode + WAL + rows)")]
    public int AddVectors() => _db!.AddVectors(_vectors, _ids).Count;

    [GlobalCleanup]
    public void Cleanup() => _embedder?.Dispose();
}
