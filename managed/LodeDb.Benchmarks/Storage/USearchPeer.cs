using System.Diagnostics;
using System.Globalization;
using Cloud.Unum.USearch;

namespace LodeDb.Benchmarks.Storage;

/// <summary>
/// USearch (Cloud.Unum.USearch, native SIMD core) as the .NET peer of the storage benchmark:
/// HNSW with f32, f16 and i8 storage, and its exact (brute-force) search. Row i is key i.
/// The HNSW rows use USearch's defaults for the graph (connectivity 16, expansion_add 128) and
/// tune the search expansion (ef) on the last 100 queries, which are never timed: the smallest
/// of <see cref="Expansions"/> whose recall@10 reaches the target (the largest when none does).
/// Resident = the serialized size, which is USearch's in-memory layout (vectors + graph): its
/// arenas come from mmap, so glibc's heap counters (the native bench's measure) do not see them,
/// and usearch_memory_usage (printed in the setting column) counts the arenas' reserved bytes.
/// </summary>
internal static class USearchPeer
{
    /// <summary>Search expansions tried, smallest first (the native bench's efSearch list).</summary>
    private static readonly int[] Expansions = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096];

    /// <summary>One line naming the library, its version and the SIMD it picked here.</summary>
    public static string Describe()
    {
        using var probe = new USearchIndex(MetricKind.Ip, ScalarKind.Float32, 8);
        return string.Create(CultureInfo.InvariantCulture,
            $"USearch {USearchCapabilities.Version()} (Cloud.Unum.USearch): compiled for [{USearchCapabilities.HardwareAccelerationCompiled()}], available here [{USearchCapabilities.HardwareAccelerationAvailable()}], f32 index uses {probe.HardwareAcceleration()}");
    }

    /// <summary>An HNSW index of every vector with <paramref name="storage"/> scalars, built once and searched at each target recall.</summary>
    public static IEnumerable<StorageResult> RunHnsw(StorageDataset dataset, ScalarKind storage, IReadOnlyList<double> targets, int timed, double budget)
    {
        string folder = TestData.NewTempFolder("storage-usearch");
        try
        {
            MetricKind metric = MetricOf(storage);
            long before = StorageBenchmark.SettledWorkingSet();
            var clock = Stopwatch.StartNew();
            using var index = BuildHnsw(dataset, storage);
            double ingest = clock.Elapsed.TotalSeconds;
            long delta = StorageBenchmark.SettledWorkingSet() - before;
            string file = Path.Combine(folder, "index.usearch");
            index.Save(file);
            long disk = new FileInfo(file).Length;
            long reported = USearchNative.MemoryUsage(index);
            string acceleration = index.HardwareAcceleration();

            var results = new List<StorageResult>();
            foreach (double target in targets)
            {
                var (expansion, tunedRecall) = Tune(dataset, index, target);
                USearchNative.SetExpansionSearch(index, expansion);
                var timing = StorageBenchmark.TimeQueries(dataset, timed, budget, query => Search(index, query));
                results.Add(new StorageResult
                {
                    Name = string.Create(CultureInfo.InvariantCulture, $"USearch HNSW {Label(storage)} ({metric}, M 16, {acceleration}), tuned to {target:0.000}"),
                    IngestSeconds = ingest,
                    DiskBytes = disk,
                    ResidentBytes = disk,
                    WorkingSetDeltaBytes = delta,
                    Timing = timing,
                    Setting = string.Create(CultureInfo.InvariantCulture, $"ef {expansion} (tuning recall {tunedRecall:0.000}); usearch_memory_usage {reported / 1e6:0.00} MB"),
                });
            }

            return results;
        }
        finally
        {
            TestData.DeleteFolder(folder);
        }
    }

    /// <summary>An HNSW index (USearch's default graph settings) of every vector, row i as key i.</summary>
    public static USearchIndex BuildHnsw(StorageDataset dataset, ScalarKind storage)
    {
        var index = new USearchIndex(MetricOf(storage), storage, (ulong)dataset.Dimension);

        // One batch: the wrapper reserves capacity for the whole batch once (a single Add
        // reserves size + 1 every call). usearch_add still inserts one vector at a time, on this thread.
        var keys = new ulong[dataset.Vectors.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = (ulong)i;
        }

        index.Add(keys, dataset.Vectors);
        return index;
    }

    // i8 is only meaningful for cosine in USearch (it normalises, then scales to [-127, 127]);
    // every vector and query here is unit length, so cos ranks as ip does.
    private static MetricKind MetricOf(ScalarKind storage) => storage == ScalarKind.Int8 ? MetricKind.Cos : MetricKind.Ip;

    /// <summary>USearch's exact search (usearch_exact_search, f32, inner product, one thread) over one float array.</summary>
    public static StorageResult RunExact(StorageDataset dataset, int timed, double budget)
    {
        long before = StorageBenchmark.SettledWorkingSet();
        var clock = Stopwatch.StartNew();
        int n = dataset.Vectors.Length;
        int d = dataset.Dimension;
        var flat = new float[checked(n * d)];
        for (int i = 0; i < n; i++)
        {
            dataset.Vectors[i].CopyTo(flat, i * d);
        }

        double ingest = clock.Elapsed.TotalSeconds;
        long delta = StorageBenchmark.SettledWorkingSet() - before;
        var keys = new ulong[StorageBenchmark.K];
        var distances = new float[StorageBenchmark.K];
        var timing = StorageBenchmark.TimeQueries(dataset, timed, budget, query =>
        {
            USearchNative.ExactSearch(flat, n, query, StorageBenchmark.K, keys, distances);
            return Array.ConvertAll(keys, k => (int)k);
        });
        return new StorageResult
        {
            Name = "USearch exact search (usearch_exact_search, f32 ip, 1 thread)",
            IngestSeconds = ingest,
            DiskBytes = flat.LongLength * sizeof(float),
            ResidentBytes = flat.LongLength * sizeof(float),
            WorkingSetDeltaBytes = delta,
            Timing = timing,
        };
    }

    internal static int[] Search(USearchIndex index, float[] query)
    {
        int found = index.Search(query, StorageBenchmark.K, out ulong[] keys, out _);
        var rows = new int[found];
        for (int i = 0; i < found; i++)
        {
            rows[i] = checked((int)keys[i]);
        }

        return rows;
    }

    /// <summary>The smallest expansion whose recall@10 on the last 100 (untimed) queries reaches <paramref name="target"/>.</summary>
    internal static (int Expansion, double Recall) Tune(StorageDataset dataset, USearchIndex index, double target)
    {
        int first = Math.Max(0, dataset.Queries.Length - StorageBenchmark.TuningQueries);
        double recall = 0;
        foreach (int expansion in Expansions)
        {
            USearchNative.SetExpansionSearch(index, expansion);
            recall = StorageBenchmark.Recall(dataset, first, dataset.Queries.Length, query => Search(index, query));
            if (recall >= target)
            {
                return (expansion, recall);
            }
        }

        return (Expansions[^1], recall);
    }

    internal static string Label(ScalarKind storage) => storage switch
    {
        ScalarKind.Float32 => "f32",
        ScalarKind.Float16 => "f16",
        ScalarKind.Int8 => "i8",
        _ => storage.ToString(),
    };
}
