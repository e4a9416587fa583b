// The worked example of docs/graph.md: a small company/people/products knowledge graph kept in a
// database folder next to its documents, traversed and searched.
//
// Embeddings come from the small BERT-shaped fixture model in tests/fixtures/text-bert (32-d,
// topic words such as car/mechanic/brake or pizza/kitchen/cook share directions by construction),
// through the real tokenizer and ONNX Runtime. In your app, use a preset (Model = "minilm") or any
// IEmbeddingGenerator<string, Embedding<float>>.
//
// Every result is checked; a wrong one makes the program exit with 1.
using LodeDb;
using LodeDb.Embeddings.Onnx;
using LodeDb.Graph;

string folder = Path.Combine(Path.GetTempPath(), $"lodedb-graph-sample-{Environment.ProcessId}");
int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"  [{(ok ? "ok" : "WRONG")}] {what}");
    failures += ok ? 0 : 1;
}

using var embedder = new OnnxTextEmbedder(FixtureModel(), new OnnxTextEmbedderOptions { ModelId = "text-bert" });
var options = new LodeDbOptions { Embedder = embedder, ModelName = "text-bert" };
try
{
    // 1. A database and its graph (in <folder>/graph, pinned to the database's model and settings).
    using (LodeDatabase db = LodeDatabase.Open(folder, options))
    using (LodeGraph graph = LodeGraph.Open(db))
    {
        // Nodes: id, label, type, properties, text (label + text are embedded). One call = one commit.
        graph.AddNodes(
        [
            new GraphNode("alice", "Alice") { Type = "person", Text = "Alice writes code for the server software.", Properties = new Dictionary<string, object?> { ["team"] = "platform" } },
            new GraphNode("bob", "Bob") { Type = "person", Text = "Bob is the mechanic who can fix any engine." },
            new GraphNode("carol", "Carol") { Type = "person", Text = "Carol is the cook of the kitchen." },
            new GraphNode("acme", "Acme Motors") { Type = "company", Text = "Acme builds brake and tire parts for the car garage." },
            new GraphNode("globex", "Globex") { Type = "company", Text = "Globex sells kitchen equipment to cook pizza and bread." },
            new GraphNode("bk-4411", "Brake kit BK-4411") { Type = "product", Text = "A brake repair kit for the car.", Properties = new Dictionary<string, object?> { ["price"] = 89.5 } },
            new GraphNode("pz-9000", "Oven PZ-9000") { Type = "product", Text = "A stone oven for the kitchen to cook pizza.", Properties = new Dictionary<string, object?> { ["price"] = 1200 } },
        ]);

        // Edges: source -relation-> target, with an optional fact. Both ends must exist.
        graph.AddEdges(
        [
            new GraphEdge("alice", "works_at", "acme") { Id = "e1", Fact = "Alice has written Acme's parts software since 2019." },
            new GraphEdge("bob", "works_at", "acme") { Id = "e2" },
            new GraphEdge("carol", "works_at", "globex") { Id = "e3" },
            new GraphEdge("acme", "makes", "bk-4411") { Id = "e4" },
            new GraphEdge("globex", "makes", "pz-9000") { Id = "e5" },
            new GraphEdge("alice", "knows", "carol") { Id = "e6" },
            new GraphEdge("carol", "buys", "bk-4411") { Id = "e7", Properties = new Dictionary<string, object?> { ["year"] = 2024 } },
        ]);
        Console.WriteLine($"Stored {graph.NodeCount} nodes and {graph.EdgeCount} edges in {graph.Path}.");
        Check(graph.NodeCount == 7 && graph.EdgeCount == 7, "7 nodes and 7 edges");

        // 2. Neighbours: a node's edges with the node at the other end, in edge insertion order.
        Console.WriteLine("Neighbors of acme (both directions):");
        IReadOnlyList<GraphNeighbor> around = graph.Neighbors("acme");
        foreach (GraphNeighbor n in around)
        {
            Console.WriteLine($"  {n.Direction,-4} {n.Edge.Source} -{n.Edge.Relation}-> {n.Edge.Target}   ({n.Node.Label})");
        }

        Check(around.Select(n => n.Node.Id).SequenceEqual(["alice", "bob", "bk-4411"]), "alice, bob (in: works_at), then bk-4411 (out: makes)");
        IReadOnlyList<GraphNeighbor> employees = graph.Neighbors("acme", GraphDirection.In, relations: ["works_at"]);
        Check(employees.Select(n => n.Node.Id).SequenceEqual(["alice", "bob"]), "who works at acme: alice, bob");

        // 3. K-hop: breadth-first, deterministic order, bounded by maxNodes.
        GraphSubgraph twoHops = graph.KHop(["carol"], k: 2);
        Console.WriteLine("Two hops from carol: " + string.Join(", ", twoHops.Nodes.Select(h => $"{h.Node.Id}@{h.Distance}")));
        Check(twoHops.Nodes.Select(h => h.Node.Id).SequenceEqual(["carol", "globex", "alice", "bk-4411", "pz-9000", "acme"]), "carol, then her edges' ends in insertion order, then theirs");
        GraphSubgraph cut = graph.KHop(["carol"], k: 2, maxNodes: 3);
        Check(cut.Nodes.Count == 3 && cut.Truncated, "maxNodes = 3 keeps 3 nodes and says it truncated");

        // 4. Semantic search over nodes (label + text embedded): no word shared with the query.
        IReadOnlyList<GraphNodeHit> hits = graph.SearchNodes("automobile repair", k: 3);
        Console.WriteLine("Nodes about \"automobile repair\": " + string.Join(", ", hits.Select(h => $"{h.Node.Id} ({h.Score:0.00})")));
        Check(hits.Count == 3 && hits.All(h => h.Node.Id is "bob" or "acme" or "bk-4411"), "bob, acme and the brake kit, by meaning");

        // 5. Hybrid subgraph search: seed on an exact product code, then expand one hop.
        GraphSubgraph sub = graph.SearchSubgraph("PZ-9000", k: 1, hops: 1, mode: SearchMode.Hybrid);
        Console.WriteLine("Subgraph of \"PZ-9000\": seeds " + string.Join(", ", sub.Seeds.Select(s => s.Node.Id)) +
            "; nodes " + string.Join(", ", sub.Nodes.Select(h => h.Node.Id)) + "; edges " + string.Join(", ", sub.Edges.Select(e => $"{e.Source}-{e.Relation}->{e.Target}")));
        Check(sub.Seeds.Count == 1 && sub.Seeds[0].Node.Id == "pz-9000", "the exact code PZ-9000 seeds the oven");
        Check(sub.Nodes.Select(h => h.Node.Id).SequenceEqual(["pz-9000", "globex"]) && sub.Edges.Single().Id == "e5", "one hop out: its maker globex, through e5");

        // 6. Removing a node removes every edge joining it, in the same commit.
        graph.RemoveNode("bob");
        Check(graph.GetEdge("e2") is null && graph.EdgeCount == 6, "removing bob removed e2");
    }

    // 7. Durable: reopened, the graph is as it was; a read-only handle refuses writes.
    using (LodeDatabase db = LodeDatabase.Open(folder, options with { ReadOnly = true }))
    using (LodeGraph graph = LodeGraph.Open(db))
    {
        Check(graph.NodeCount == 6 && graph.GetEdge("e7")?.Properties?["year"] is long year && year == 2024, "after reopening: 6 nodes, e7 with its integer property");
        try
        {
            graph.AddNode(new GraphNode("dave", "Dave"));
            Check(false, "a read-only graph refuses a write");
        }
        catch (ReadOnlyException)
        {
            Check(graph.NodeCount == 6, "a read-only graph refuses a write (ReadOnlyException), nothing stored");
        }
    }
}
finally
{
    if (Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }
}

Console.WriteLine(failures == 0 ? "All checks passed." : $"{failures} check(s) WRONG.");
return failures == 0 ? 0 : 1;

static string FixtureModel()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "text-bert");
        if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")) && Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("tests/fixtures/text-bert not found above the program: run it from a clone of the repository.");
}
