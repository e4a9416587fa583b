using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Adding, reading, replacing and removing nodes and edges of a vector-only graph (caller vectors), and its persistence.</summary>
public sealed class GraphWriteReadTests
{
    [Test]
    public void NodesAndEdgesReadBackWithTheirTypes()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        graph.AddEdges(GraphTestData.CompanyEdges());
        Assert.That(graph.NodeCount, Is.EqualTo(6));
        Assert.That(graph.EdgeCount, Is.EqualTo(6));

        GraphNode alice = graph.GetNode("alice")!;
        Assert.That(alice.Label, Is.EqualTo("Alice"));
        Assert.That(alice.Type, Is.EqualTo("person"));
        Assert.That(alice.Text, Does.StartWith("Alice is a staff engineer"));
        Assert.That(alice.Properties!["name"], Is.EqualTo("Alice"));
        Assert.That(alice.Vector.IsEmpty, Is.True, "vectors are input only");

        GraphEdge e1 = graph.GetEdge("e1")!;
        Assert.That((e1.Source, e1.Relation, e1.Target, e1.Fact), Is.EqualTo(("alice", "works_at", "acme", "Alice has worked at Acme since 2019.")));
        Assert.That(graph.GetNode("nobody"), Is.Null);

        IReadOnlyList<GraphNeighbor> outOfAlice = graph.Neighbors("alice", GraphDirection.Out);
        Assert.That(outOfAlice.Select(n => n.Node.Id), Is.EqualTo(new[] { "acme", "bob" }));
        Assert.That(graph.Neighbors("acme", GraphDirection.In).Select(n => (n.Edge.Id, n.Node.Id)), Is.EqualTo(new[] { ("e1", "alice"), ("e6", "bob") }));
        Assert.That(graph.Neighbors("bob", GraphDirection.Both).Select(n => (n.Edge.Id, n.Direction)),
            Is.EqualTo(new[] { ("e2", GraphDirection.Out), ("e5", GraphDirection.In), ("e6", GraphDirection.Out) }), "merged in insertion order");
        Assert.That(graph.Neighbors("bob", GraphDirection.Both, ["works_at"]).Select(n => n.Node.Id), Is.EqualTo(new[] { "globex" }));

        IReadOnlyList<GraphNodeHit> hits = graph.SearchNodesByVector(GraphTestData.VectorFor("globex"), 2);
        Assert.That(hits[0].Node.Id, Is.EqualTo("globex"));
        Assert.That(hits[0].Score, Is.GreaterThan(0.9f));
    }
}
