using BenchmarkDotNet.Attributes;

namespace LodeDb.Benchmarks;

/// <summary>
/// Durable single add: one <see cref="LodeDatabase.AddVector"/> of a new 384-d row into a WAL-mode
/// store of 20,000 rows, under Fsync (the append is fsynced before the call returns) and Fast.
/// One add per iteration (InvocationCount 1), so every measured iteration is one add and the
/// P50/P95 columns are per-add latency percentiles, not percentiles of batch averages.
/// The store grows by one row per iteration; past <see cref="MaxAddsBeforeReset"/> adds the
/// iteration setup restores the pristine 20,000-row copy (outside the measurement).
/// The checkpoint threshold (10,000 records) is never reached, so no add pays for a checkpoint.
/// </summary>
[Config(typeof(LatencyConfig))]
[InvocationCount(1)]
[MinIterationCount(50)]
[MaxIterationCount(300)]
[MaxWarmupCount(20)]
public class AddLatencyBenchmarks
{
    private const int StoreRows = 20_000;
    private const int PoolSize = 1_024;
    private const int MaxAddsBeforeReset = 5_000;

    private string? _root;
    private string _template = "";
    private string _work = "";
    private LodeDatabase? _db;
    private float[][] _pool = [];
    private int _next;
    private int _addsSinceReset;

    [Params(Durability.Fsync, Durability.Fast)]
    public Durability Durability { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = TestData.NewTempFolder("add");
        _template = Path.Combine(_root, "template");
        TestData.BuildStore(_template, StoreRows, Durability.Fast).Dispose();
        _pool = TestData.UnitVectors(PoolSize, TestData.Dim, TestData.AddSeed);
        Reset();
    }

    [IterationSetup]
    public void BeforeIteration()
    {
        if (_addsSinceReset >= MaxAddsBeforeReset)
        {
            Reset();
        }
    }

    [Benchmark(Description = "AddVector (1 row, WAL)")]
    public string Add()
    {
        int n = _next++;
        _addsSinceReset++;
        return _db!.AddVector(_pool[n % PoolSize], "add" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _db = null;
        TestData.DeleteFolder(_root);
        _root = null;
    }

    private void Reset()
    {
        _db?.Dispose();
        _work = Path.Combine(_root!, "work-" + _next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        TestData.CopyFolder(_template, _work);
        _db = TestData.Open(_work, Durability);
        _addsSinceReset = 0;
    }
}
