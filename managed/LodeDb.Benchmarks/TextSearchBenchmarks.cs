using BenchmarkDotNet.Attributes;

namespace LodeDb.Benchmarks;

/// <summary>
/// End-to-end text query latency: <c>LodeDatabase.Search(text, k: 10)</c> on a 5,000-document
/// store built with the fixture model (tests/fixtures/text-bert) as a custom embedder (one short
/// sentence per document, so one chunk each; text stored, so lexical search works). Vector mode
/// includes embedding the query (the model call) and the scan; Lexical is BM25 only (no model
/// call); Hybrid runs both rankers and fuses them (RRF). The 32 seeded queries are used in turn.
/// </summary>
[Config(typeof(LatencyConfig))]
public class TextSearchBenchmarks
{
    private const int Documents = 5_000;
    private const int QueryCount = 32;
    private const int K = 10;

    private string? _root;
    private Embeddings.Onnx.OnnxTextEmbedder? _embedder;
    private LodeDatabase? _db;
    private string[] _queries = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _root = TestData.NewTempFolder("text-search");
        _embedder = TextFixtureData.OpenEmbedder();
        var options = new LodeDbOptions
        {
            Embedder = _embedder,
            ModelName = TextFixtureData.ModelName,
            CommitMode = CommitMode.Wal,
            Durability = Durability.Fast,
        };
        _db = LodeDatabase.Open(Path.Combine(_root, "store"), options);
        string[] texts = TextFixtureData.Sentences(Documents, TestData.RowSeed);
        for (int start = 0; start < Documents; start += 1_000)
        {
            int n = Math.Min(1_000, Documents - start);
            _db.AddMany(texts[start..(start + n)], Enumerable.Range(start, n).Select(i => (string?)TestData.RowId(i)).ToArray());
        }

        _db.Persist();
        _queries = TextFixtureData.Queries(QueryCount, TestData.QuerySeed);
        foreach (SearchMode mode in new[] { SearchMode.Vector, SearchMode.Lexical, SearchMode.Hybrid })
        {
            if (_db.Count() != Documents || _db.Search(_queries[0], K, mode).Count != K)
            {
                throw new InvalidOperationException($"The benchmark store was not built as expected ({mode} search of '{_queries[0]}').");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "Search(text, k: 10), Vector")]
    public int Vector() => _db!.Search(NextQuery(), K, SearchMode.Vector).Count;

    [Benchmark(Description = "Search(text, k: 10), Lexical")]
    public int Lexical() => _db!.Search(NextQuery(), K, SearchMode.Lexical).Count;

    [Benchmark(Description = "Search(text, k: 10), Hybrid")]
    public int Hybrid() => _db!.Search(NextQuery(), K, SearchMode.Hybrid).Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _db = null;
        _embedder?.Dispose();
        _embedder = null;
        TestData.DeleteFolder(_root);
        _root = null;
    }

    private string NextQuery() => _queries[_next++ & (QueryCount - 1)];
}
