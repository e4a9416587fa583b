using System.Diagnostics;
using System.Globalization;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>
/// Throughput of 1, 2 and 8 threads each calling <see cref="LodeDatabase.AddVector"/> on one
/// database for a fixed time, under Fsync and Fast: with a single writer lock and one fdatasync
/// per add, Fsync throughput stays at 1 / (fdatasync time) however many threads add; group
/// commit would let N waiting adds share one fdatasync. Checkpoints (every 10,000 records) that
/// fall in the window are included.
/// </summary>
internal static class ConcurrentWriters
{
    private static readonly int[] ThreadCounts = [1, 2, 8];

    public static void Run(string root, string template, double seconds)
    {
        float[][] pool = TestData.UnitVectors(1_024, TestData.Dim, TestData.AddSeed);
        Console.WriteLine($"#### Concurrent writers, {seconds.ToString(CultureInfo.InvariantCulture)} s each, fresh copy of the 20,000 x {TestData.Dim} store per case");
        Console.WriteLine();
        Console.WriteLine("| durability | threads | adds | adds/s | mean us per add (wall / adds) | p50 us per call | p99 us per call |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var durability in new[] { Durability.Fsync, Durability.Fast })
        {
            foreach (int threads in ThreadCounts)
            {
                string folder = Path.Combine(root, $"writers-{durability}-{threads}");
                TestData.CopyFolder(template, folder);
                using (var db = TestData.Open(folder, durability))
                {
                    for (int i = 0; i < 100; i++)
                    {
                        db.AddVector(pool[i], "warm" + i.ToString(CultureInfo.InvariantCulture));
                    }

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
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {durability} | {threads} | {all.Length} | {all.Length / wall:0} | {wall * 1e6 / all.Length:0.0} | {all[(all.Length - 1) / 2]:0.0} | {all[(int)Math.Ceiling(0.99 * all.Length) - 1]:0.0} |"));
                }

                TestData.DeleteFolder(folder);
            }
        }
    }
}
