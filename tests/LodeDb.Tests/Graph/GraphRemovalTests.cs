using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Removing nodes cascades to their edges and every semantic entry, in one record, and stays so after a reopen.</summary>
public sealed class GraphRemovalTests
{
    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void RemovingANodeRemovesItsEdgesAndTheirEntriesAlsoAfterReopen(CommitMode mode)
    {
        using var folder = new TestFolder();
        var options = GraphTestData.VectorOptions(mode: mode);
        var graphOptions = new GraphOptions { IndexEdges = true };
        using (var graph = LodeGraph.Open(folder.Path, options, graphOptions))
        {
            graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
            graph.AddEdges(GraphTestData.CompanyEdges().Select(e => e with { Vector = GraphTestData.VectorFor(e.Id!) }).ToArray());
            Assert.That(graph.EntryCount, Is.EqualTo(12), "6 node entries and 6 edge entries");
            Assert.That(graph.SearchEdgesByVector(GraphTestData.VectorFor("e5"), 1)[0].Edge.Id, Is.EqualTo("e5"));

            Assert.That(graph.RemoveNode("bob"), Is.True);
            Assert.That(graph.RemoveNode("bob"), Is.False);
            AssertBobIsGone(graph);
        }

        using (var reopened = LodeGraph.Open(folder.Path, options, graphOptions))
        {
            AssertBobIsGone(reopened);
            reopened.Persist();
        }

        using var checkpointed = LodeGraph.Open(folder.Path, options, graphOptions);
        AssertBobIsGone(checkpointed);
    }

    private static void AssertBobIsGone(LodeGraph graph)
    {
        Assert.That(graph.GetNode("bob"), Is.Null);
        Assert.That(graph.NodeCount, Is.EqualTo(5));
        // e2 bob->globex, e5 alice->bob, e6 bob->acme went with bob.
        Assert.That(graph.ListEdges().Select(e => e.Id), Is.EqualTo(new[] { "e1", "e3", "e4" }));
        foreach (string edge in new[] { "e2", "e5", "e6" })
        {
            Assert.That(graph.GetEdge(edge), Is.Null);
            Assert.That(graph.HasEntry("e:" + edge), Is.False, $"the entry of {edge} went with it");
        }

        Assert.That(graph.HasEntry("n:bob"), Is.False);
        Assert.That(graph.EntryCount, Is.EqualTo(8), "5 node entries and 3 edge entries");
        Assert.That(graph.Neighbors("alice").Select(n => n.Node.Id), Is.EqualTo(new[] { "acme" }));
        Assert.That(graph.Neighbors("acme", GraphDirection.In).Select(n => n.Node.Id), Is.EqualTo(new[] { "alice" }));
        Assert.That(graph.SearchNodesByVector(GraphTestData.VectorFor("bob"), 10).Select(h => h.Node.Id), Does.Not.Contain("bob"));
        Assert.That(graph.SearchEdgesByVector(GraphTestData.VectorFor("e5"), 10).Select(h => h.Edge.Id), Is.EquivalentTo(new[] { "e1", "e3", "e4" }));
    }

    [Test]
    public void RemovingEdgesKeepsTheirNodesAndCountsOnlyExistingOnes()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        graph.AddEdges(GraphTestData.CompanyEdges());
        Assert.That(graph.RemoveEdges(["e1", "e1", "nope", "e3"]), Is.EqualTo(2));
        Assert.That(graph.RemoveEdge("e1"), Is.False);
        Assert.That(graph.NodeCount, Is.EqualTo(6));
        Assert.That(graph.Neighbors("acme").Select(n => n.Edge.Id), Is.EqualTo(new[] { "e6" }));
        Assert.That(graph.RemoveNodes(["alice", "acme", "ghost"]), Is.EqualTo(2));
        Assert.That(graph.ListEdges().Select(e => e.Id), Is.EqualTo(new[] { "e2", "e4" }));
    }

    [Test]
    public void ASelfLoopIsOneEdgeAndGoesWithItsNode()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNode(GraphTestData.Node("x", "X"));
        graph.AddEdge(GraphTestData.Edge("loop", "x", "self", "x"));
        Assert.That(graph.Neighbors("x").Select(n => (n.Edge.Id, n.Direction)), Is.EqualTo(new[] { ("loop", GraphDirection.Out) }));
        Assert.That(graph.Neighbors("x", GraphDirection.In).Select(n => n.Edge.Id), Is.EqualTo(new[] { "loop" }));
        Assert.That(graph.RemoveNode("x"), Is.True);
        Assert.That(graph.EdgeCount, Is.EqualTo(0));
    }

    [Test]
    public void AHubKeepsItsEdgeOrderThroughRemovalsAndCascadesWhole()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        using (GraphIngest ingest = graph.BeginIngest())
        {
            ingest.AddNode(GraphTestData.Node("hub", "Hub", vector: false));
            for (int i = 0; i < 5000; i++)
            {
                ingest.AddNode(GraphTestData.Node($"s{i}", $"Spoke {i}", vector: false));
                ingest.AddEdge(i % 2 == 0 ? GraphTestData.Edge($"e{i}", "hub", "to", $"s{i}") : GraphTestData.Edge($"e{i}", $"s{i}", "from", "hub"));
            }

            ingest.Commit();
        }

        // Remove every edge whose number is a multiple of 3, in several calls.
        for (int start = 0; start < 5000; start += 1000)
        {
            graph.RemoveEdges(Enumerable.Range(start, 1000).Where(i => i % 3 == 0).Select(i => $"e{i}").ToArray());
        }

        int[] expected = Enumerable.Range(0, 5000).Where(i => i % 3 != 0).ToArray();
        Assert.That(graph.Neighbors("hub").Select(n => n.Edge.Id), Is.EqualTo(expected.Select(i => $"e{i}")), "insertion order survives the removals");
        Assert.That(graph.Neighbors("hub", GraphDirection.Out).Select(n => n.Edge.Id), Is.EqualTo(expected.Where(i => i % 2 == 0).Select(i => $"e{i}")));
        Assert.That(graph.RemoveNode("hub"), Is.True);
        Assert.That((graph.NodeCount, graph.EdgeCount), Is.EqualTo((5000, 0)));
    }
}
