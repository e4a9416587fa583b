using System.Diagnostics;
using System.Globalization;
using LodeDb.Native;

namespace LodeDb.Benchmarks.Storage;

/// <summary>
/// LodeDb's native index through the bindings, with no database around it: the same vectors
/// (normalised as the database normalises them), the database's bit width and seed, searched
/// through the allocation-free span overload on one thread. Beside the <see cref="LodeDatabase"/>
/// row of the same configuration, in the same process, it gives the managed cost of a query
/// (issue 12: at 1,500 x 512, <= 20 us native and <= 25 us through LodeDatabase).
/// </summary>
internal static class NativeIndexPeer
{
    public static StorageResult Run(StorageDataset dataset, int bits, ulong seed, int timed, double budget)
    {
        int n = dataset.Vectors.Length;
        int d = dataset.Dimension;
        long before = StorageBenchmark.SettledWorkingSet();
        var clock = Stopwatch.StartNew();
        using var index = NativeIndex.Create(d, bits, seed);
        var flat = new float[Math.Min(n, 10_000) * d];
        for (int start = 0; start < n; start += 10_000)
        {
            int rows = Math.Min(10_000, n - start);
            for (int i = 0; i < rows; i++)
            {
                TestData.Normalize(dataset.Vectors[start + i], flat.AsSpan(i * d, d));
            }

            index.Add(flat.AsSpan(0, rows * d));
        }

        double ingest = clock.Elapsed.TotalSeconds;
        long delta = StorageBenchmark.SettledWorkingSet() - before;
        var query = new float[d];
        var slots = new ulong[StorageBenchmark.K];
        var scores = new float[StorageBenchmark.K];
        var counts = new uint[1];
        var timing = StorageBenchmark.TimeQueries(dataset, timed, budget, q =>
        {
            TestData.Normalize(q, query);
            index.Search(query, StorageBenchmark.K, 1, slots, scores, counts);
            var found = new int[counts[0]];
            for (int i = 0; i < found.Length; i++)
            {
                found[i] = checked((int)slots[i]);
            }

            return found;
        });
        return new StorageResult
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"LodeDb native index {bits}-bit (NativeIndex.Search, spans, same process)"),
            IngestSeconds = ingest,
            DiskBytes = 0,
            ResidentBytes = (long)index.Info.MemoryBytes,
            WorkingSetDeltaBytes = delta,
            Timing = timing,
            Setting = "no file (in memory only)",
        };
    }
}
