using BenchmarkDotNet.Attributes;

namespace LodeDb.Benchmarks;

/// <summary>
/// Commit of 1,000 rows into a 100,000 x 384-d WAL-mode store:
/// <list type="bullet">
/// <item><c>AddVectors1000</c>: one <see cref="LodeDatabase.AddVectors"/> batch of 1,000 new rows
/// (validation, encoding, one WAL record, apply) on a store holding 100,000 rows.</item>
/// <item><c>Persist</c>: the checkpoint after such a batch (<see cref="LodeDatabase.Persist"/>): the
/// 101,000-row generation written and published, the log reset.</item>
/// </list>
/// The 100,000-row store is built once (global setup); every iteration works on a fresh copy of
/// it, made in the iteration setup (outside the measurement), so each measured commit sees the
/// same store. One commit per iteration.
/// </summary>
[Config(typeof(LatencyConfig))]
[InvocationCount(1)]
[MaxIterationCount(40)]
[MaxWarmupCount(8)]
public class CommitBenchmarks
{
    private const int StoreRows = 100_000;
    private const int BatchRows = 1_000;

    private string? _root;
    private string _template = "";
    private string? _work;
    private LodeDatabase? _db;
    private float[][] _batch = [];
    private string?[] _batchIds = [];
    private int _iteration;

    [Params(Durability.Fsync, Durability.Fast)]
    public Durability Durability { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = TestData.NewTempFolder("commit");
        _template = Path.Combine(_root, "template");
        TestData.BuildStore(_template, StoreRows, Durability.Fast).Dispose();
        _batch = TestData.UnitVectors(BatchRows, TestData.Dim, TestData.AddSeed);
        _batchIds = Enumerable.Range(StoreRows, BatchRows).Select(TestData.RowId).ToArray();
    }

    [IterationSetup(Target = nameof(AddVectors1000))]
    public void BeforeAdd() => FreshCopy(addBatch: false);

    [IterationSetup(Target = nameof(Persist))]
    public void BeforePersist() => FreshCopy(addBatch: true);

    [IterationCleanup]
    public void AfterIteration() => DropCopy();

    [Benchmark(Description = "AddVectors (1,000 rows into 100k)")]
    public int AddVectors1000() => _db!.AddVectors(_batch, _batchIds).Count;

    [Benchmark(Description = "Persist (checkpoint 101k rows)")]
    public void Persist() => _db!.Persist();

    [GlobalCleanup]
    public void Cleanup()
    {
        DropCopy();
        TestData.DeleteFolder(_root);
        _root = null;
    }

    private void FreshCopy(bool addBatch)
    {
        DropCopy();
        _work = Path.Combine(_root!, "work-" + (_iteration++).ToString(System.Globalization.CultureInfo.InvariantCulture));
        TestData.CopyFolder(_template, _work);
        _db = TestData.Open(_work, Durability);
        if (addBatch)
        {
            _db.AddVectors(_batch, _batchIds);
        }
    }

    private void DropCopy()
    {
        _db?.Dispose();
        _db = null;
        if (_work is not null && Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }

        _work = null;
    }
}
