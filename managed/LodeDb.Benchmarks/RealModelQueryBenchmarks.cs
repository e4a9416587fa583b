using BenchmarkDotNet.Attributes;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Benchmarks;

/// <summary>
/// Text query latency with the real all-MiniLM-L6-v2: <c>Search(text, k: 10)</c> on a store of
/// 10,000 short documents (their precomputed embeddings added with AddVectors, text stored, see
/// <see cref="RealModelData.Vectors"/>). Vector mode = embedding the query (one model run) + the
/// scan; the 32 seeded queries are used in turn. The embedding alone is the second row.
/// </summary>
[Config(typeof(LatencyConfig))]
public class RealModelQueryBenchmarks
{
    private const int Documents = 10_000;
    private const int QueryCount = 32;

    private OnnxTextEmbedder? _embedder;
    private string? _folder;
    private LodeDatabase? _db;
    private string[] _queries = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _embedder = RealModelData.Open();
        string[] texts = TextFixtureData.Sentences(Documents, TestData.RowSeed);
        float[][] vectors = RealModelData.Vectors(_embedder, texts);
        _folder = TestData.NewTempFolder("real-query");
        _db = LodeDatabase.Open(_folder, new LodeDbOptions { Embedder = _embedder, ModelName = RealModelData.ModelName });
        _db.AddVectors(vectors, [.. Enumerable.Range(0, Documents).Select(i => $"d{i}")]);
        _db.Persist();
        _queries = TextFixtureData.Queries(QueryCount, TestData.QuerySeed);
    }

    [Benchmark(Description = "minilm: Search(text, 10) over 10,000 documents, Vector")]
    public int Search() => _db!.Search(_queries[_next++ % QueryCount], 10).Count;

    [Benchmark(Description = "minilm: embed one query alone")]
    public int EmbedQuery() => _embedder!.Embed([_queries[_next++ % QueryCount]], EmbeddingPurpose.Query)[0].Length;

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _embedder?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
