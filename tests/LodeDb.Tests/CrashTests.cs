using System.Diagnostics;
using System.Globalization;

namespace LodeDb.Tests;

/// <summary>
/// The crash harness: a child process (tests/LodeDb.CrashWriter) writes in a loop, acknowledging
/// each write on stdout after it returns, and is SIGKILLed at a random point; the store must then
/// reopen with every acknowledged write, nothing half-applied, and keep accepting writes (the
/// next run writes to the same folder).
/// </summary>
public sealed class CrashTests
{
    private const int RunsPerMode = 50;

    [Test]
    public void SigkillAtRandomPointsLosesNoAcknowledgedWriteInEitherCommitMode()
    {
        // LODEDB_CRASH_SEED replays a failed run: the seed is printed on every run.
        int seed = int.TryParse(Environment.GetEnvironmentVariable("LODEDB_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int given) ? given : Environment.TickCount;
        TestContext.Out.WriteLine($"crash harness seed {seed} (replay with LODEDB_CRASH_SEED={seed})");
        var random = new Random(seed);
        int kills = 0;
        long acknowledged = 0;
        var clock = Stopwatch.StartNew();
        foreach (CommitMode mode in new[] { CommitMode.Wal, CommitMode.Generation })
        {
            using var folder = new TestFolder();
            var present = new HashSet<string>(StringComparer.Ordinal);
            for (int run = 0; run < RunsPerMode; run++)
            {
                // Mostly Fsync (the promise under test); some Fast runs too: a killed process
                // (unlike a lost machine) keeps what reached the page cache, so they must hold as well.
                Durability durability = run % 4 == 3 ? Durability.Fast : Durability.Fsync;
                string runId = $"k{run}";
                int checkpointEvery = random.Next(2, 25);
                List<string> lines = ChildProcess.KillWriter(random.Next(10, 300), afterFirstWrite: false, "write", folder.Path, mode.ToString(), durability.ToString(), runId, checkpointEvery.ToString(CultureInfo.InvariantCulture));
                kills++;

                int n = 0;
                foreach (string line in lines.Where(l => l.EndsWith(" .", StringComparison.Ordinal)))
                {
                    var (kind, ids) = CrashVectors.Op(runId, n++);
                    Assert.That(line, Is.EqualTo($"{kind} {string.Join(',', ids)} ."), "the writer acknowledges its operations in order");
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
                Verify(folder.Path, present, [CrashVectors.Op(runId, n)], runId, readOnly: run % 2 == 1, $"{mode} run {run} ({durability}, {n} acknowledged)");
            }
        }

        TestContext.Out.WriteLine($"{kills} kills, {acknowledged} acknowledged operations, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.That(kills, Is.GreaterThanOrEqualTo(2 * 50), "50 kills per commit mode");
        Assert.That(acknowledged, Is.GreaterThan(kills), "the writers made progress between kills");
    }

    /// <summary>
    /// Reopens <paramref name="folder"/> and checks it against the acknowledged rows
    /// <paramref name="present"/>: the operations in <paramref name="inFlight"/> (one per writer
    /// thread, on rows no other thread touches) may or may not have landed, each whole. Folds their
    /// outcome into <paramref name="present"/>.
    /// </summary>
    internal static void Verify(string folder, HashSet<string> present, IReadOnlyList<(string Kind, string[] Ids)> inFlight, string run, bool readOnly, string what)
    {
        using LodeDatabase db = readOnly ? LodeDatabase.OpenReadOnly(folder) : LodeDatabase.Open(folder);
        var rows = db.List(take: int.MaxValue);
        var stored = rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

        var missing = present.Where(id => !stored.Contains(id) && !inFlight.Any(op => op.Kind == "del" && op.Ids[0] == id)).ToList();
        Assert.That(missing, Is.Empty, $"{what}: acknowledged writes lost");
        var unexpected = stored.Where(id => !present.Contains(id) && !inFlight.Any(op => op.Kind != "del" && op.Ids.Contains(id))).ToList();
        Assert.That(unexpected, Is.Empty, $"{what}: rows nobody wrote");

        foreach (LodeRecord row in rows)
        {
            Assert.That(row.Metadata["id"], Is.EqualTo(row.Id), $"{what}: metadata of another row");
        }

        foreach (var batch in rows.Where(r => r.Metadata["batch"] is not null).GroupBy(r => (string)r.Metadata["batch"]!))
        {
            Assert.That(batch.Count(), Is.EqualTo(3), $"{what}: batch {batch.Key} half applied");
        }

        // The codes belong to their row: this run's rows and a sample of older ones find themselves.
        var check = rows.Where(r => r.Id.StartsWith(run, StringComparison.Ordinal)).Concat(rows.Where((_, i) => i % 50 == 0));
        foreach (LodeRecord row in check)
        {
            var hit = db.SearchByVector(CrashVectors.For(row.Id), 1, Filter.Eq("id", row.Id));
            Assert.That(hit[0].Score, Is.GreaterThan(0.9f), $"{what}: row {row.Id} holds other codes");
        }

        // Fold the in-flight operations' outcome (either is allowed) into the model.
        foreach (var (kind, ids) in inFlight)
        {
            if (kind == "del")
            {
                if (!stored.Contains(ids[0]))
                {
                    present.Remove(ids[0]);
                }
            }
            else if (stored.Contains(ids[0]))
            {
                Assert.That(ids.All(stored.Contains), Is.True, $"{what}: in-flight batch half applied");
                present.UnionWith(ids);
            }
        }
    }
}
