using System.Globalization;
using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>
/// The crash harness on a graph: the crash writer's graph mode (tests/LodeDb.CrashWriter,
/// <see cref="CrashGraph"/>) runs bulk ingests of 300 nodes and 300 edges per record, bulk edge
/// adds, cascading removals and replaces, and is SIGKILLed at a random point. The graph must
/// reopen equal to a reference that applied exactly the acknowledged operations, or those plus
/// the one in flight: never part of a bulk call.
/// </summary>
public sealed class GraphCrashTests
{
    [Test]
    public void AKilledGraphWriterKeepsEveryAcknowledgedCallAndNoHalfCall()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("LODEDB_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int given) ? given : Environment.TickCount;
        TestContext.Out.WriteLine($"graph crash seed {seed} (replay with LODEDB_CRASH_SEED={seed})");
        var random = new Random(seed);
        var references = new Dictionary<int, string[]>();
        foreach ((CommitMode mode, Durability durability, int checkpointEvery) in new[]
        {
            (CommitMode.Wal, Durability.Fsync, 10_000), (CommitMode.Wal, Durability.Fsync, 3),
            (CommitMode.Generation, Durability.Fsync, 5), (CommitMode.Wal, Durability.Fast, 10_000),
        })
        {
            using var folder = new TestFolder();
            List<string> lines = ChildProcess.KillWriter(random.Next(50, 400), afterFirstWrite: true,
                "graph", folder.Path, mode.ToString(), durability.ToString(), checkpointEvery.ToString(CultureInfo.InvariantCulture));
            List<string> acknowledged = lines.Where(l => l.EndsWith(" .", StringComparison.Ordinal)).ToList();
            for (int i = 0; i < acknowledged.Count; i++)
            {
                Assert.That(acknowledged[i], Is.EqualTo($"{CrashGraph.Kind(i)} {i} ."));
            }

            int n = acknowledged.Count;
            Assert.That(n, Is.GreaterThanOrEqualTo(1), "the kill came after the first acknowledged call");
            using var reopened = LodeGraph.Open(folder.Path, CrashGraph.Options(mode, durability, checkpointEvery));
            string[] actual = GraphSignature.Of(reopened);
            string[] without = Reference(references, n);
            string[] with = Reference(references, n + 1);
            Assert.That(actual, Is.EqualTo(without).Or.EqualTo(with), $"{mode} {durability} checkpoint every {checkpointEvery}: {n} acknowledged calls, nothing half-applied");
            TestContext.Out.WriteLine($"{mode} {durability}/{checkpointEvery}: {n} acknowledged, in-flight call {(actual.SequenceEqual(with) && !with.SequenceEqual(without) ? "committed" : "absent")}, {reopened.NodeCount} nodes, {reopened.EdgeCount} edges");

            // The store keeps accepting writes after the crash.
            reopened.AddNode(GraphTestData.Node("after", "After") with { Vector = CrashVectors.For("after") });
            Assert.That(reopened.SearchNodesByVector(CrashVectors.For("after"), 1)[0].Node.Id, Is.EqualTo("after"));
        }
    }

    /// <summary>The signature of a graph that applied operations 0 .. <paramref name="operations"/> - 1 (cached: the runs share it).</summary>
    private static string[] Reference(Dictionary<int, string[]> cache, int operations)
    {
        if (!cache.TryGetValue(operations, out string[]? signature))
        {
            using var folder = new TestFolder();
            using var graph = LodeGraph.Open(folder.Path, CrashGraph.Options(CommitMode.Wal, Durability.Fast, 10_000));
            for (int i = 0; i < operations; i++)
            {
                CrashGraph.Apply(graph, i);
            }

            cache[operations] = signature = GraphSignature.Of(graph);
        }

        return signature;
    }
}
