using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Breadth-first k-hop expansion: deterministic order, relation and direction filters, truncation at maxNodes.</summary>
public sealed class GraphTraversalTests
{
    /// <summary>A chain 0 -> 1 -> ... -> 9 plus a star: hub -> s0..s49.</summary>
    private static LodeGraph ChainAndStar(TestFolder folder)
    {
        var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        using GraphIngest ingest = graph.BeginIngest();
        for (int i = 0; i < 10; i++)
        {
            ingest.AddNode(GraphTestData.Node($"c{i}", $"Chain {i}", vector: false));
            if (i > 0)
            {
                ingest.AddEdge(GraphTestData.Edge($"c{i - 1}-c{i}", $"c{i - 1}", "next", $"c{i}"));
            }
        }

        ingest.AddNode(GraphTestData.Node("hub", "Hub", vector: false));
        ingest.AddEdge(GraphTestData.Edge("c0-hub", "c0", "has", "hub"));
        for (int s = 0; s < 50; s++)
        {
            ingest.AddNode(GraphTestData.Node($"s{s}", $"Spoke {s}", vector: false));
            ingest.AddEdge(GraphTestData.Edge($"hub-s{s}", "hub", "spoke", $"s{s}"));
        }

        ingest.Commit();
        return graph;
    }

    [Test]
    public void KHopIsBreadthFirstInInsertionOrder()
    {
        using var folder = new TestFolder();
        using LodeGraph graph = ChainAndStar(folder);
        GraphSubgraph two = graph.KHop(["c0"], 2, direction: GraphDirection.Out);
        Assert.That(two.Nodes.Select(n => (n.Node.Id, n.Distance)).Take(5),
            Is.EqualTo(new[] { ("c0", 0), ("c1", 1), ("hub", 1), ("c2", 2), ("s0", 2) }));
        Assert.That(two.Nodes, Has.Count.EqualTo(3 + 1 + 50));
        Assert.That(two.Nodes.Select(n => n.Distance), Is.Ordered, "by hop");
        Assert.That(two.Edges.Select(e => e.Id).Take(4), Is.EqualTo(new[] { "c0-c1", "c0-hub", "c1-c2", "hub-s0" }));
        Assert.That(two.Truncated, Is.False);
        Assert.That(two.Seeds, Is.Empty);

        Assert.That(graph.KHop(["c0"], 2, direction: GraphDirection.Out), Is.Not.SameAs(two));
        Assert.That(graph.KHop(["c0"], 2, direction: GraphDirection.Out).Nodes.Select(n => n.Node.Id), Is.EqualTo(two.Nodes.Select(n => n.Node.Id)), "deterministic");

        Assert.That(graph.KHop(["c0"], 3, ["next"]).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "c0", "c1", "c2", "c3" }), "relation filter");
        Assert.That(graph.KHop(["c5"], 2, direction: GraphDirection.In).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "c5", "c4", "c3" }));
        Assert.That(graph.KHop(["c5"], 1).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "c5", "c4", "c6" }), "both directions by default");
        Assert.That(graph.KHop(["c5"], 0).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "c5" }));
        Assert.That(graph.KHop(["ghost", "c9", "c9"], 1).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "c9", "c8" }), "unknown seeds skipped, repeats once");
    }

    [Test]
    public void KHopStopsAtMaxNodesAndSaysSo()
    {
        using var folder = new TestFolder();
        using LodeGraph graph = ChainAndStar(folder);
        GraphSubgraph cut = graph.KHop(["hub"], 2, maxNodes: 10);
        Assert.That(cut.Nodes, Has.Count.EqualTo(10));
        Assert.That(cut.Truncated, Is.True);
        Assert.That(cut.Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "hub", "c0", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7" }), "the first ten reached (c0-hub is the older edge)");
        Assert.That(cut.Edges.All(e => cut.Nodes.Any(n => n.Node.Id == e.Source) && cut.Nodes.Any(n => n.Node.Id == e.Target)), Is.True, "edges join returned nodes only");

        GraphSubgraph exact = graph.KHop(["hub"], 1, maxNodes: 52);
        Assert.That((exact.Nodes.Count, exact.Truncated), Is.EqualTo((52, false)), "hub, c0 and 50 spokes fit exactly");
        Assert.That(graph.KHop(["hub"], 1, maxNodes: 51).Truncated, Is.True);
        Assert.That(graph.KHop(["c0", "c1"], 1, maxNodes: 1).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "c0" }));
    }

    [Test]
    public void BadTraversalArgumentsAreRefused()
    {
        using var folder = new TestFolder();
        using LodeGraph graph = ChainAndStar(folder);
        Assert.Throws<ArgumentOutOfRangeException>(() => graph.KHop(["c0"], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => graph.KHop(["c0"], 1, maxNodes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => graph.Neighbors("c0", (GraphDirection)7));
        Assert.Throws<ArgumentException>(() => graph.KHop([null!], 1));
        Assert.That(graph.Neighbors("ghost"), Is.Empty);
    }
}
