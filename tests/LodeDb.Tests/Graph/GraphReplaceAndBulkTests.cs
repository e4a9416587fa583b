using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Replace by id, bulk add against per-item add, and the ingest scope.</summary>
public sealed class GraphReplaceAndBulkTests
{
    [Test]
    public void ReplacingANodeReplacesItsEntryAndKeepsItsEdges()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        graph.AddEdges(GraphTestData.CompanyEdges());

        // Same id, another vector: the old entry no longer answers, the new one does.
        graph.AddNode(GraphTestData.Node("acme", "Acme Robotics", "company") with { Vector = GraphTestData.VectorFor("something else") });
        Assert.That(graph.GetNode("acme")!.Label, Is.EqualTo("Acme Robotics"));
        Assert.That(graph.NodeCount, Is.EqualTo(6));
        Assert.That(graph.EntryCount, Is.EqualTo(6));
        Assert.That(graph.SearchNodesByVector(GraphTestData.VectorFor("something else"), 1)[0].Node.Id, Is.EqualTo("acme"));
        Assert.That(graph.SearchNodesByVector(GraphTestData.VectorFor("acme"), 1)[0].Score, Is.LessThan(0.9f), "the stale vector is gone");
        Assert.That(graph.Neighbors("acme", GraphDirection.In).Select(n => n.Edge.Id), Is.EqualTo(new[] { "e1", "e6" }), "edges stay");
        Assert.That(graph.ListNodes().Select(n => n.Id).ToArray()[2], Is.EqualTo("acme"), "a replaced node keeps its place");

        // Replaced by a node without a vector: the stale entry is removed in the same record.
        graph.AddNode(GraphTestData.Node("acme", "Acme", vector: false));
        Assert.That(graph.HasEntry("n:acme"), Is.False);
        Assert.That(graph.EntryCount, Is.EqualTo(5));
        Assert.That(graph.SearchNodesByVector(GraphTestData.VectorFor("something else"), 10).Select(h => h.Node.Id), Does.Not.Contain("acme"));
    }

    [Test]
    public void ReplacingAnEdgeMovesItToItsNewEndsAndToTheEnd()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        graph.AddEdges(GraphTestData.CompanyEdges());
        graph.AddEdge(GraphTestData.Edge("e1", "alice", "works_at", "globex"));
        Assert.That(graph.EdgeCount, Is.EqualTo(6));
        Assert.That(graph.Neighbors("acme", GraphDirection.In).Select(n => n.Edge.Id), Is.EqualTo(new[] { "e6" }));
        Assert.That(graph.Neighbors("globex", GraphDirection.In).Select(n => n.Edge.Id), Is.EqualTo(new[] { "e2", "e1" }));
        Assert.That(graph.ListEdges().Select(e => e.Id).Last(), Is.EqualTo("e1"));
        Assert.That(graph.GetEdge("e1")!.Fact, Is.Null, "replaced whole");
    }

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void BulkAddEqualsPerItemAddAndAnIngestScope(CommitMode mode)
    {
        using var bulkFolder = new TestFolder();
        using var singleFolder = new TestFolder();
        using var scopeFolder = new TestFolder();
        var graphOptions = new GraphOptions { IndexEdges = true };
        GraphNode[] nodes = GraphTestData.CompanyNodes(vectors: true);
        GraphEdge[] edges = GraphTestData.CompanyEdges().Select(e => e with { Vector = GraphTestData.VectorFor(e.Id!) }).ToArray();
        using var bulk = LodeGraph.Open(bulkFolder.Path, GraphTestData.VectorOptions(mode: mode), graphOptions);
        using var single = LodeGraph.Open(singleFolder.Path, GraphTestData.VectorOptions(mode: mode), graphOptions);
        using var scoped = LodeGraph.Open(scopeFolder.Path, GraphTestData.VectorOptions(mode: mode), graphOptions);

        Assert.That(bulk.AddNodes(nodes), Is.EqualTo(nodes.Select(n => n.Id)));
        Assert.That(bulk.AddEdges(edges), Is.EqualTo(edges.Select(e => e.Id)));
        foreach (GraphNode node in nodes)
        {
            Assert.That(single.AddNode(node), Is.EqualTo(node.Id));
        }

        foreach (GraphEdge edge in edges)
        {
            Assert.That(single.AddEdge(edge), Is.EqualTo(edge.Id));
        }

        using (GraphIngest ingest = scoped.BeginIngest())
        {
            // Edges may come before their nodes inside one scope.
            ingest.AddEdges(edges);
            ingest.AddNodes(nodes);
            Assert.That((ingest.NodeCount, ingest.EdgeCount), Is.EqualTo((6, 6)));
            Assert.That(scoped.NodeCount, Is.EqualTo(0), "nothing is visible before the commit");
            ingest.Commit();
            Assert.Throws<ObjectDisposedException>(() => ingest.AddNode(nodes[0]));
        }

        string[] expected = GraphSignature.Of(single, GraphTestData.VectorFor);
        Assert.That(GraphSignature.Of(bulk, GraphTestData.VectorFor), Is.EqualTo(expected));
        Assert.That(GraphSignature.Of(scoped, GraphTestData.VectorFor), Is.EqualTo(expected));
        Assert.That(expected, Has.Length.GreaterThan(12), "sanity: the signature lists the graph");
    }

    [Test]
    public void AnIngestScopeDisposedWithoutCommitStoresNothing()
    {
        using var folder = new TestFolder();
        using (var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()))
        {
            using (GraphIngest ingest = graph.BeginIngest())
            {
                ingest.AddNodes(GraphTestData.CompanyNodes(vectors: true));
                string generated = ingest.AddEdge(new GraphEdge("alice", "knows", "bob"));
                Assert.That(generated, Has.Length.EqualTo(32));
            }

            Assert.That(graph.NodeCount, Is.EqualTo(0));
        }

        using var reopened = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        Assert.That((reopened.NodeCount, reopened.EdgeCount, reopened.EntryCount), Is.EqualTo((0, 0, 0L)));
    }

    [Test]
    public void AFailedIngestCommitStoresNothingAndStaysOpen()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        using GraphIngest ingest = graph.BeginIngest();
        ingest.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        ingest.AddEdge(GraphTestData.Edge("bad", "alice", "knows", "nobody"));
        var ex = Assert.Throws<GraphEndpointNotFoundException>(() => ingest.Commit());
        Assert.That((ex!.EdgeId, ex.NodeId), Is.EqualTo(("bad", "nobody")));
        Assert.That((graph.NodeCount, graph.EdgeCount, graph.EntryCount), Is.EqualTo((0, 0, 0L)), "all or nothing");
        Assert.That(ingest.NodeCount, Is.EqualTo(6), "the scope stays open after a failed commit");
    }

    [Test]
    public void ARefusedIngestAddNodesQueuesNothing()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        using GraphIngest ingest = graph.BeginIngest();
        ingest.AddNode(GraphTestData.Node("first", "First"));
        var ex = Assert.Throws<ArgumentNullException>(() => ingest.AddNodes([GraphTestData.Node("a", "A"), null!, GraphTestData.Node("b", "B")]));
        Assert.That(ex!.Message, Does.Contain("Node 1"));
        Assert.That(ingest.NodeCount, Is.EqualTo(1), "a refused AddNodes call queues none of its nodes");
        ingest.Commit();
        Assert.That(graph.NodeCount, Is.EqualTo(1));
    }

    [Test]
    public void ARefusedIngestAddEdgesQueuesNothing()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        using GraphIngest ingest = graph.BeginIngest();
        ingest.AddNodes([GraphTestData.Node("a", "A"), GraphTestData.Node("b", "B")]);
        var ex = Assert.Throws<ArgumentNullException>(() => ingest.AddEdges([GraphTestData.Edge("ab", "a", "r", "b"), null!]));
        Assert.That(ex!.Message, Does.Contain("Edge 1"));
        Assert.That(ingest.EdgeCount, Is.EqualTo(0), "a refused AddEdges call queues none of its edges");

        ingest.AddEdges([new GraphEdge("a", "r", "b"), GraphTestData.Edge("ba", "b", "r", "a")]);
        Assert.That(ingest.EdgeCount, Is.EqualTo(2));
        ingest.Commit();
        Assert.That(graph.EdgeCount, Is.EqualTo(2), "an edge without an id got one when it was queued");
    }
}
