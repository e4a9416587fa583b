using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Everything observable about a graph as lines of text, so two graphs (or one before and after a reopen) compare exactly.</summary>
internal static class GraphSignature
{
    public static string[] Of(LodeGraph graph, Func<string, float[]>? vectorFor = null)
    {
        var lines = new List<string>
        {
            $"nodes {graph.NodeCount} edges {graph.EdgeCount} entries {graph.EntryCount}",
        };
        foreach (GraphNode node in graph.ListNodes(take: int.MaxValue))
        {
            lines.Add($"node {Describe(node)} entry={graph.HasEntry("n:" + node.Id)}");
            lines.Add($"  nbrs {string.Join(",", graph.Neighbors(node.Id).Select(n => $"{n.Edge.Id}{(n.Direction == GraphDirection.Out ? ">" : "<")}{n.Node.Id}"))}");
        }

        foreach (GraphEdge edge in graph.ListEdges(take: int.MaxValue))
        {
            lines.Add($"edge {Describe(edge)} entry={graph.HasEntry("e:" + edge.Id)}");
        }

        if (vectorFor is not null)
        {
            foreach (GraphNode node in graph.ListNodes(take: int.MaxValue))
            {
                lines.Add($"search {node.Id}: {string.Join(",", graph.SearchNodesByVector(vectorFor(node.Id), 3).Select(h => $"{h.Node.Id}:{h.Score:F4}"))}");
            }
        }

        return lines.ToArray();
    }

    public static string Describe(GraphNode n) =>
        $"{n.Id}|{n.Label}|{n.Type}|{n.Text}|{System.Text.Encoding.UTF8.GetString(MetadataCodec.Serialize(n.Properties!))}";

    public static string Describe(GraphEdge e) =>
        $"{e.Id}|{e.Source}-{e.Relation}->{e.Target}|{e.Fact}|{System.Text.Encoding.UTF8.GetString(MetadataCodec.Serialize(e.Properties!))}";
}
