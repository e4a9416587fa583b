using BenchmarkDotNet.Attributes;
using LodeDb.Native;

namespace LodeDb.Benchmarks;

/// <summary>
/// Managed overhead of one search call: the same query (k = 10, one thread, no filter) against
/// two identical 4-bit 384-d indexes (1,000 and 20,000 rows), one behind <see cref="LodeDatabase.SearchByVector"/>
/// and one a bare <see cref="NativeIndex"/> searched through the allocation-free span overload with
/// preallocated outputs. The native index is built the way the database builds its own (same
/// normalised vectors, <see cref="NativeIndex.Encode"/> then <see cref="NativeIndex.ImportRows"/>,
/// same bit width and seed) and the setup checks both return the same slots, so the difference
/// of the two rows (the "Overhead P50" column) is the managed cost of a call: query validation
/// and normalisation, the reader lock, result buffers and the hit list with ids and metadata.
/// Target: under 5 microseconds.
/// </summary>
[Config(typeof(OverheadConfig))]
public class ManagedOverheadBenchmarks
{
    private const int K = 10;

    /// <summary>20,000 rows is the size; at 1,000 rows the scan is short enough that the
    /// machine's noise no longer hides a few microseconds of managed cost.</summary>
    [Params(1_000, 20_000)]
    public int StoreRows { get; set; }

    private string? _root;
    private LodeDatabase? _db;
    private NativeIndex? _native;
    private float[] _query = [];
    private readonly ulong[] _slots = new ulong[K];
    private readonly float[] _scores = new float[K];
    private readonly uint[] _counts = new uint[1];

    [GlobalSetup]
    public void Setup()
    {
        _root = TestData.NewTempFolder("overhead");
        _db = TestData.BuildStore(Path.Combine(_root, "store"), StoreRows, Durability.Fast);

        // The same rows, normalised exactly as the database normalises them, encoded and imported
        // the way it imports them.
        _native = NativeIndex.Create(TestData.Dim, _db.BitWidth, _db.Seed);
        int chunk = Math.Min(5_000, StoreRows);
        for (int start = 0; start < StoreRows; start += chunk)
        {
            float[][] rows = TestData.UnitVectors(chunk, TestData.Dim, TestData.RowSeed, skip: start);
            float[] flat = new float[chunk * TestData.Dim];
            for (int i = 0; i < chunk; i++)
            {
                TestData.Normalize(rows[i], flat.AsSpan(i * TestData.Dim, TestData.Dim));
            }

            var codes = new byte[chunk * _native.CodeBytesPerRow];
            var scales = new float[chunk];
            _native.Encode(flat, codes, scales);
            _native.ImportRows(codes, scales);
        }

        float[] raw = TestData.UnitVectors(1, TestData.Dim, TestData.QuerySeed)[0];
        _query = new float[TestData.Dim];
        TestData.Normalize(raw, _query);

        // Identical index check: same slots (row i has id r{i}) and scores from both paths.
        IReadOnlyList<SearchHit> managed = _db.SearchByVector(_query, K);
        NativeSearch();
        if (managed.Count != K || _counts[0] != K)
        {
            throw new InvalidOperationException($"Expected {K} hits from both paths, got {managed.Count} and {_counts[0]}.");
        }

        for (int i = 0; i < K; i++)
        {
            if (managed[i].Id != TestData.RowId(checked((int)_slots[i])) || managed[i].Score != _scores[i])
            {
                throw new InvalidOperationException(
                    $"Hit {i} differs: managed {managed[i].Id} {managed[i].Score}, native slot {_slots[i]} {_scores[i]}; the two indexes are not identical.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "NativeIndex.Search (spans, preallocated)")]
    public uint NativeSearch()
    {
        _native!.Search(_query, K, 1, _slots, _scores, _counts);
        return _counts[0];
    }

    [Benchmark(Description = "LodeDatabase.SearchByVector")]
    public int ManagedSearch() => _db!.SearchByVector(_query, K).Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _native?.Dispose();
        _native = null;
        _db?.Dispose();
        _db = null;
        TestData.DeleteFolder(_root);
        _root = null;
    }
}
