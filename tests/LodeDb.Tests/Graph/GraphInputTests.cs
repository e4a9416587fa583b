using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Bad input is a typed exception and stores nothing: ids, labels, relations, text, properties, endpoints, repeats.</summary>
public sealed class GraphInputTests
{
    private static void AssertNothingStored(LodeGraph graph, TestFolder folder, Dictionary<string, byte[]> before)
    {
        Assert.That((graph.NodeCount, graph.EdgeCount, graph.EntryCount), Is.EqualTo((2, 1, 2L)));
        Assert.That(Files(folder), Is.EqualTo(before), "not one byte was logged");
    }

    /// <summary>Every file but the writer's LOCK (held open by the handle), by name.</summary>
    private static Dictionary<string, byte[]> Files(TestFolder folder) =>
        Directory.GetFiles(folder.Path).Where(f => Path.GetFileName(f) != "LOCK").ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Test]
    public void BadInputIsRefusedWholeBeforeAnythingIsLogged()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes([GraphTestData.Node("a", "A"), GraphTestData.Node("b", "B")]);
        graph.AddEdge(GraphTestData.Edge("ab", "a", "r", "b"));
        var before = Files(folder);
        GraphNode good = GraphTestData.Node("c", "C");

        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("", "Empty id")]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node(new string('x', LodeDatabase.MaxIdLength - 1), "Too long")]));
        Assert.Throws<IllFormedStringException>(() => graph.AddNodes([good, GraphTestData.Node("bad\uD800", "Lone surrogate")]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("d", "  ")]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("d", "\u200B\uFEFF")]), "a label that shows nothing");
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("d", "D", type: " \u2060")]));
        Assert.Throws<IllFormedStringException>(() => graph.AddNodes([good, GraphTestData.Node("d", "D", text: "half \uDC00")]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("d", "D") with { Type = "" }]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("d", "D") with { Properties = new Dictionary<string, object?> { ["x"] = new object() } }]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("c", "C again")]), "a repeated id in one call");
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, null!]));
        Assert.Throws<ArgumentException>(() => graph.AddNodes([good, GraphTestData.Node("d", "D") with { Vector = new[] { float.NaN }.Concat(new float[GraphTestData.Dim - 1]).ToArray() }]));

        Assert.Throws<ArgumentException>(() => graph.AddEdges([GraphTestData.Edge("x", "a", "", "b")]));
        Assert.Throws<ArgumentException>(() => graph.AddEdges([GraphTestData.Edge("x", "a", "\u00AD", "b")]));
        Assert.Throws<ArgumentException>(() => graph.AddEdges([GraphTestData.Edge("x", "a", "r", "b"), GraphTestData.Edge("x", "b", "r", "a")]));
        Assert.Throws<ArgumentException>(() => graph.AddEdges([new GraphEdge(null!, "r", "b")]));
        var missing = Assert.Throws<GraphEndpointNotFoundException>(() => graph.AddEdges([GraphTestData.Edge("ok", "a", "r", "b"), GraphTestData.Edge("x", "a", "r", "ghost")]));
        Assert.That((missing!.EdgeId, missing.NodeId), Is.EqualTo(("x", "ghost")));
        Assert.Throws<GraphEndpointNotFoundException>(() => graph.AddEdge(new GraphEdge("ghost", "r", "a")));
        AssertNothingStored(graph, folder, before);

        Assert.That(graph.AddNodes([]), Is.Empty, "an empty call is a no-op");
        Assert.That(graph.RemoveNodes(["ghost"]), Is.EqualTo(0));
        AssertNothingStored(graph, folder, before);
    }

    [Test]
    public void GeneratedEdgeIdsAreReturned()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes([GraphTestData.Node("a", "A"), GraphTestData.Node("b", "B")]);
        IReadOnlyList<string> ids = graph.AddEdges([new GraphEdge("a", "r", "b"), new GraphEdge("b", "r", "a")]);
        Assert.That(ids, Has.Count.EqualTo(2).And.All.Length.EqualTo(32));
        Assert.That(graph.GetEdge(ids[1])!.Source, Is.EqualTo("b"));
    }
}
