using System.Diagnostics;
using System.Globalization;

namespace LodeDb.Tests;

/// <summary>
/// The crash harness with concurrent writers (group commit): a child process runs several threads
/// adding, batching and removing with Fsync on one handle, each acknowledging its writes on
/// stdout, and is SIGKILLed at a random point; every acknowledged write must be there after
/// reopening, each thread's in-flight write whole or absent, and the store must keep accepting
/// writes (the next run writes to the same folder).
/// </summary>
public sealed class ConcurrentCrashTests
{
    private const int Runs = 24;
    private const int Threads = 4;

    [Test]
    public void SigkillWithConcurrentFsyncWritersLosesNoAcknowledgedWrite()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("LODEDB_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int given) ? given : Environment.TickCount;
        TestContext.Out.WriteLine($"concurrent crash harness seed {seed} (replay with LODEDB_CRASH_SEED={seed})");
        var random = new Random(seed);
        long acknowledged = 0;
        var clock = Stopwatch.StartNew();
        using var folder = new TestFolder();
        var present = new HashSet<string>(StringComparer.Ordinal);
        for (int run = 0; run < Runs; run++)
        {
            // Mostly WAL mode (where writers share fdatasyncs); Generation mode serialises them.
            CommitMode mode = run % 4 == 3 ? CommitMode.Generation : CommitMode.Wal;
            string runId = $"c{run}";
            int checkpointEvery = random.Next(2, 40);
            List<string> lines = ChildProcess.KillWriter(random.Next(50, 400), afterFirstWrite: true, "writers", folder.Path, mode.ToString(), runId, Threads.ToString(CultureInfo.InvariantCulture), checkpointEvery.ToString(CultureInfo.InvariantCulture));

            var inFlight = new List<(string Kind, string[] Ids)>();
            for (int w = 0; w < Threads; w++)
            {
                // Each thread's acknowledgements, in its own order.
                string thread = $"{runId}w{w}";
                int n = 0;
                foreach (string line in lines.Where(l => l.StartsWith($"w{w} ", StringComparison.Ordinal) && l.EndsWith(" .", StringComparison.Ordinal)))
                {
                    var (kind, ids) = CrashVectors.Op(thread, n++);
                    Assert.That(line, Is.EqualTo($"w{w} {kind} {string.Join(',', ids)} ."), "each writer thread acknowledges its operations in order");
                    if (kind == "del")
                    {
                        present.Remove(ids[0]);
                    }
                    else
                    {
                        present.UnionWith(ids);
                    }
                }

                acknowledged += n;
                inFlight.Add(CrashVectors.Op(thread, n));
            }

            CrashTests.Verify(folder.Path, present, inFlight, runId, readOnly: run % 2 == 1, $"{mode} run {run} ({checkpointEvery})");
        }

        TestContext.Out.WriteLine($"{Runs} kills, {acknowledged} acknowledged operations, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.That(acknowledged, Is.GreaterThan(Runs), "the writers made progress between kills");
    }
}
