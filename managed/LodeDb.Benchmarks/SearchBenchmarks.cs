using BenchmarkDotNet.Attributes;

namespace LodeDb.Benchmarks;

/// <summary>
/// Query latency at 20,000 x 384-d (4-bit codes, k = 10, no filter):
/// <c>SearchByVector</c> runs one query per call; <c>SearchManyByVector</c> runs a batch of 64
/// queries per call and is reported per query (OperationsPerInvoke = 64), so the two rows compare
/// directly. Both cycle through the same 64 seeded query vectors.
/// </summary>
[Config(typeof(LatencyConfig))]
public class SearchBenchmarks
{
    private const int StoreRows = 20_000;
    private const int BatchQueries = 64;
    private const int K = 10;

    private string? _root;
    private LodeDatabase? _db;
    private float[][] _queries = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _root = TestData.NewTempFolder("search");
        _db = TestData.BuildStore(Path.Combine(_root, "store"), StoreRows, Durability.Fast);
        _queries = TestData.UnitVectors(BatchQueries, TestData.Dim, TestData.QuerySeed);
        if (_db.Count() != StoreRows || _db.SearchByVector(_queries[0], K).Count != K)
        {
            throw new InvalidOperationException("The benchmark store was not built as expected.");
        }
    }

    [Benchmark(Baseline = true, Description = "SearchByVector (1 query)")]
    public int Single() => _db!.SearchByVector(_queries[_next++ & (BatchQueries - 1)], K).Count;

    [Benchmark(OperationsPerInvoke = BatchQueries, Description = "SearchManyByVector (64 queries, per query)")]
    public int Batch64() => _db!.SearchManyByVector(_queries, K).Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _db = null;
        TestData.DeleteFolder(_root);
        _root = null;
    }
}
