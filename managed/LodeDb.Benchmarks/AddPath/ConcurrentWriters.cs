using System.Diagnostics;
using System.Globalization;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>
/// Throughput of N threads each calling <see cref="LodeDatabase.AddVector"/> on one database for
/// a fixed time, under Fsync and Fast. Under Fsync (WAL mode) concurrent adds share fdatasyncs
/// (group commit): the run counts the syncs the log made (through the internal
/// <c>CommitLog.LogSync</c>) and prints adds per fdatasync, and, given the raw fdatasync floor
/// measured in the same run, the throughput against one add per floor. Checkpoints (every 10,000
/// records) that fall in the window are included.
/// </summary>
internal static class ConcurrentWriters
{
    public static readonly int[] DefaultThreadCounts = [1, 2, 8];

    public static void Run(string root, string template, double seconds) =>
        Run(root, template, seconds, [Durability.Fsync, Durability.Fast], DefaultThreadCounts, floorMicros: null);

    /// <param name="floorMicros">p50 of a raw pwrite + fdatasync measured in the same run, or null.</param>
    public static void Run(string root, string template, double seconds, IReadOnlyList<Durability> durabilities, IReadOnlyList<int> threadCounts, double? floorMicros)
    {
        float[][] pool = TestData.UnitVectors(1_024, TestData.Dim, TestData.AddSeed);
        Console.WriteLine($"#### Concurrent writers, {seconds.ToString(CultureInfo.InvariantCulture)} s each, fresh copy of the template store per case");
        Console.WriteLine();
        Console.WriteLine("| durability | threads | adds | adds/s | mean us per add (wall / adds) | p50 us per call | p99 us per call | fdatasyncs | adds per fdatasync | adds/s x floor p50 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var durability in durabilities)
        {
            foreach (int threads in threadCounts)
            {
                string folder = Path.Combine(root, $"writers-{durability}-{threads}");
                TestData.CopyFolder(template, folder);
                using (var db = TestData.Open(folder, durability))
                {
                    for (int i = 0; i < 100; i++)
                    {
                        db.AddVector(pool[i], "warm" + i.ToString(CultureInfo.InvariantCulture));
                    }

                    long syncs = 0;
                    db.Log.LogSync = wal =>
                    {
                        Interlocked.Increment(ref syncs);
                        wal.Sync();
                    };
                    var (adds, wall, latencies) = Measure(db, pool, threads, seconds);
                    long synced = Interlocked.Read(ref syncs);
                    string perSync = synced == 0 ? "-" : (adds / (double)synced).ToString("0.00", CultureInfo.InvariantCulture);
                    // 1.00 = one add per raw fdatasync time; above 1, adds share syncs.
                    string againstFloor = floorMicros is double floor && durability == Durability.Fsync
                        ? (adds / wall * floor * 1e-6).ToString("0.00", CultureInfo.InvariantCulture)
                        : "-";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {durability} | {threads} | {adds} | {adds / wall:0} | {wall * 1e6 / adds:0.0} | {latencies[(latencies.Length - 1) / 2]:0.0} | {latencies[(int)Math.Ceiling(0.99 * latencies.Length) - 1]:0.0} | {synced} | {perSync} | {againstFloor} |"));
                }

                TestData.DeleteFolder(folder);
            }
        }
    }

    private static (int Adds, double Wall, double[] Latencies) Measure(LodeDatabase db, float[][] pool, int threads, double seconds)
    {
        var latencies = new List<double>[threads];
        var stop = Stopwatch.StartNew();
        var workers = new Thread[threads];
        using var start = new ManualResetEventSlim();
        for (int t = 0; t < threads; t++)
        {
            int worker = t;
            latencies[t] = new List<double>(100_000);
            workers[t] = new Thread(() =>
            {
                start.Wait();
                int k = 0;
                while (stop.Elapsed.TotalSeconds < seconds)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    db.AddVector(pool[(worker * 131 + k) % pool.Length], string.Create(CultureInfo.InvariantCulture, $"w{worker}-{k}"));
                    latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                    k++;
                }
            });
            workers[t].Start();
        }

        stop.Restart();
        start.Set();
        foreach (var w in workers)
        {
            w.Join();
        }

        double wall = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length, wall, all);
    }
}
