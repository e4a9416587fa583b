using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>
/// The semantic graph through the real fixture model (tests/fixtures/text-bert, ONNX Runtime):
/// node and edge search in every mode, node searches never seeing edge entries, hybrid subgraph
/// seeding on an exact code the vector ranker misses, and a vector-only graph's clear errors.
/// </summary>
public sealed class GraphSemanticTests
{
    /// <summary>A workshop graph: a supplier, parts whose codes differ by one digit, people. Only the kit's text is about vehicles.</summary>
    private static async Task<LodeGraph> WorkshopAsync(LodeDatabase db, GraphOptions? options = null)
    {
        LodeGraph graph = LodeGraph.Open(db, options ?? new GraphOptions { IndexEdges = true });
        await graph.AddNodesAsync(
        [
            new GraphNode("supplier", "Garage supplies") { Type = "company", Text = "They sell car parts to the mechanic." },
            new GraphNode("kit", "Brake kit ZK4411") { Type = "product", Text = "A brake and tire repair kit for the car engine in the garage.", Properties = new Dictionary<string, object?> { ["price"] = 40 } },
            new GraphNode("zk4410", "ZK4410") { Type = "product" },
            new GraphNode("zk4412", "ZK4412") { Type = "product" },
            new GraphNode("zk4413", "ZK4413") { Type = "product" },
            new GraphNode("doctor", "Doctor Who") { Type = "person", Text = "A physician at the hospital clinic." },
            new GraphNode("chef", "Chef") { Type = "person", Text = "Cooks pizza and soup for dinner in the kitchen." },
        ]);
        await graph.AddEdgesAsync(
        [
            new GraphEdge("supplier", "sells", "kit") { Id = "sells-kit", Fact = "The garage supplier sells the brake kit." },
            new GraphEdge("chef", "buys_from", "supplier") { Id = "chef-buys" },
            new GraphEdge("doctor", "treats", "chef") { Id = "treats", Fact = "The physician treats the sick cook at the hospital." },
        ]);
        return graph;
    }

    [Test]
    public async Task NodeAndEdgeSearchesSeeOnlyTheirOwnEntries()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        using LodeGraph graph = await WorkshopAsync(db);
        Assert.That(graph.HasEmbedder, Is.True);
        Assert.That(graph.EntryCount, Is.EqualTo(7 + 3));

        IReadOnlyList<GraphNodeHit> medical = await graph.SearchNodesAsync("nurse surgeon patient", 3);
        Assert.That(medical[0].Node.Id, Is.EqualTo("doctor"), "semantic: no shared token");
        // The edge "treats" is as medical as the doctor, but a node search never returns an edge entry.
        Assert.That((await graph.SearchNodesAsync("nurse surgeon patient", 20)).Select(h => h.Node.Id).ToList(), Has.Count.EqualTo(7));

        IReadOnlyList<GraphEdgeHit> edges = graph.SearchEdges("nurse surgeon patient", 20);
        Assert.That(edges.Select(h => h.Edge.Id), Is.EquivalentTo(new[] { "sells-kit", "chef-buys", "treats" }));
        Assert.That(edges[0].Edge.Id, Is.EqualTo("treats"));
        Assert.That(graph.SearchEdges("buys_from", 1, SearchMode.Lexical)[0].Edge.Id, Is.EqualTo("chef-buys"), "an edge without a fact is indexed by its relation");

        Assert.That(graph.SearchNodes("pizza", 1, SearchMode.Lexical)[0].Node.Id, Is.EqualTo("chef"));
        Assert.That(graph.SearchNodes("brake", 5, SearchMode.Lexical, Filter.Eq("price", 40)).Select(h => h.Node.Id), Is.EqualTo(new[] { "kit" }), "filters match node properties");
        Assert.That(graph.SearchNodes("brake", 5, SearchMode.Hybrid, Filter.Eq("price", 41)), Is.Empty);

        // A vector query (any embedding of the right dimension) works on an embedder graph too.
        float[] kitVector = (await TextFixture.Embedder.Value.GenerateAsync(["Brake kit ZK4411\nA brake and tire repair kit for the car engine in the garage."]))[0].Vector.ToArray();
        Assert.That(graph.SearchNodesByVector(kitVector, 1)[0].Node.Id, Is.EqualTo("kit"));
    }

    [Test]
    public async Task HybridSeedsASubgraphOnAnExactCodeTheVectorRankerMisses()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        using LodeGraph graph = await WorkshopAsync(db);

        IReadOnlyList<GraphNodeHit> byVector = await graph.SearchNodesAsync("ZK4411", 1);
        Assert.That(byVector[0].Node.Id, Is.Not.EqualTo("kit"), "precondition: the vector ranker prefers a look-alike code");
        Assert.That((await graph.SearchSubgraphAsync("ZK4411", 1, 1)).Seeds[0].Node.Id, Is.Not.EqualTo("kit"));

        GraphSubgraph hybrid = await graph.SearchSubgraphAsync("ZK4411", k: 1, hops: 2, SearchMode.Hybrid);
        Assert.That(hybrid.Seeds.Select(s => s.Node.Id), Is.EqualTo(new[] { "kit" }));
        Assert.That(hybrid.Seeds[0].Score, Is.GreaterThan(0f));
        Assert.That(hybrid.Nodes.Select(n => (n.Node.Id, n.Distance)), Is.EqualTo(new[] { ("kit", 0), ("supplier", 1), ("chef", 2) }));
        Assert.That(hybrid.Edges.Select(e => e.Id), Is.EqualTo(new[] { "sells-kit", "chef-buys" }));
        Assert.That(hybrid.Truncated, Is.False);

        GraphSubgraph lexical = graph.SearchSubgraph("ZK4411", k: 1, hops: 1, mode: SearchMode.Lexical, maxNodes: 1);
        Assert.That((lexical.Nodes.Single().Node.Id, lexical.Truncated), Is.EqualTo(("kit", true)));
    }

    [Test]
    public void AVectorOnlyGraphTakesCallerVectorsAndRefusesEmbeddingModesClearly()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions(), new GraphOptions { IndexEdges = true });
        Assert.That(graph.HasEmbedder, Is.False);
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        graph.AddNode(GraphTestData.Node("novector", "No vector", text: "structure only", vector: false));
        graph.AddEdges(GraphTestData.CompanyEdges());
        Assert.That(graph.EntryCount, Is.EqualTo(6), "no entry without a vector; edges without vectors have none either");

        var vectorMode = Assert.Throws<InvalidOperationException>(() => graph.SearchNodes("robots"));
        Assert.That(vectorMode!.Message, Does.Contain("vector-only").And.Contain("SearchNodesByVector"));
        Assert.ThrowsAsync<InvalidOperationException>(() => graph.SearchNodesAsync("robots", mode: SearchMode.Hybrid));
        Assert.Throws<InvalidOperationException>(() => graph.SearchSubgraph("robots"));
        Assert.Throws<InvalidOperationException>(() => graph.SearchEdges("since 2019"));

        // Lexical search needs no embedder: the labels and texts are the lexical source.
        Assert.That(graph.SearchNodes("robots", 1, SearchMode.Lexical)[0].Node.Id, Is.EqualTo("acme"));
        Assert.That(graph.SearchSubgraph("welding", 1, 1, SearchMode.Lexical).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "xq-7731", "acme" }));

        Assert.That(graph.SearchNodesByVector(GraphTestData.VectorFor("oven"), 1)[0].Node.Id, Is.EqualTo("oven"));
        Assert.That(graph.SearchSubgraphByVector(GraphTestData.VectorFor("oven"), 1, 1).Nodes.Select(n => n.Node.Id), Is.EqualTo(new[] { "oven", "globex" }));
        Assert.Throws<ArgumentException>(() => graph.SearchNodesByVector(new float[GraphTestData.Dim + 1]));
        Assert.Throws<ArgumentException>(() => graph.AddNode(GraphTestData.Node("short", "Short") with { Vector = new float[3] }));

        graph.AddEdge(GraphTestData.Edge("e1", "alice", "works_at", "acme") with { Vector = GraphTestData.VectorFor("e1") });
        Assert.That(graph.SearchEdgesByVector(GraphTestData.VectorFor("e1"), 1)[0].Edge.Id, Is.EqualTo("e1"));
    }

    [Test]
    public void EdgeSearchNeedsIndexEdgesAndEdgeVectorsToo()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        Assert.Throws<InvalidOperationException>(() => graph.SearchEdgesByVector(GraphTestData.VectorFor("x")));
        var ex = Assert.Throws<ArgumentException>(() => graph.AddEdge(GraphTestData.Edge("e1", "alice", "works_at", "acme") with { Vector = GraphTestData.VectorFor("e1") }));
        Assert.That(ex!.Message, Does.Contain("IndexEdges"));
        Assert.That(graph.EdgeCount, Is.EqualTo(0));
    }

    [Test]
    public async Task ACancelledAddStoresNothing()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        using var graph = LodeGraph.Open(db);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Assert.That(async () => await graph.AddNodesAsync([new GraphNode("a", "A") { Text = "pizza" }], cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.Throws(Is.InstanceOf<OperationCanceledException>(), () => graph.AddNode(new GraphNode("a", "A"), cancelled.Token));
        Assert.That((graph.NodeCount, graph.EntryCount), Is.EqualTo((0, 0L)));
    }
}
