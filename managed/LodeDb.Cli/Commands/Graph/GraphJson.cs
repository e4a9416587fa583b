using System.Text.Json;
using LodeDb.Cli.Output;
using LodeDb.Graph;

namespace LodeDb.Cli.Commands.Graph;

/// <summary>
/// Nodes, edges, neighbours and subgraphs as JSON, the same for <c>lodedb graph</c> and the MCP
/// graph tools. Node text and edge facts are written only when <c>withText</c> (and stored).
/// </summary>
internal static class GraphJson
{
    public static void WriteNode(Utf8JsonWriter json, GraphNode node, bool withText, int? distance = null, float? score = null)
    {
        json.WriteStartObject();
        json.WriteString("id", node.Id);
        json.WriteString("label", node.Label);
        if (node.Type is not null)
        {
            json.WriteString("type", node.Type);
        }

        if (distance is int hops)
        {
            json.WriteNumber("distance", hops);
        }

        if (score is float value)
        {
            json.WriteNumber("score", Math.Round(value, 6));
        }

        json.WritePropertyName("properties");
        JsonLine.WriteObject(json, node.Properties ?? new Dictionary<string, object?>());
        if (withText && node.Text is not null)
        {
            json.WriteString("text", node.Text);
        }

        json.WriteEndObject();
    }

    public static void WriteEdge(Utf8JsonWriter json, GraphEdge edge, bool withText)
    {
        json.WriteStartObject();
        json.WriteString("id", edge.Id);
        json.WriteString("source", edge.Source);
        json.WriteString("relation", edge.Relation);
        json.WriteString("target", edge.Target);
        json.WritePropertyName("properties");
        JsonLine.WriteObject(json, edge.Properties ?? new Dictionary<string, object?>());
        if (withText && edge.Fact is not null)
        {
            json.WriteString("fact", edge.Fact);
        }

        json.WriteEndObject();
    }

    /// <summary><c>{"id", "neighbors": [{"direction", "edge", "node"}]}</c>, in the graph's order.</summary>
    public static string Neighbors(string id, IReadOnlyList<GraphNeighbor> neighbors, bool withText) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteStartArray("neighbors");
        foreach (GraphNeighbor neighbor in neighbors)
        {
            json.WriteStartObject();
            json.WriteString("direction", Name(neighbor.Direction));
            json.WritePropertyName("edge");
            WriteEdge(json, neighbor.Edge, withText);
            json.WritePropertyName("node");
            WriteNode(json, neighbor.Node, withText);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>
    /// <c>{"nodes": [... with distance, and score for seeds], "edges": [...], "seeds": [{"id", "score"}], "truncated"}</c>:
    /// a k-hop expansion or a subgraph search, in the graph's deterministic order.
    /// </summary>
    public static string Subgraph(GraphSubgraph subgraph, bool withText, string? mode = null) => JsonLine.Build(json =>
    {
        var scores = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (GraphNodeHit seed in subgraph.Seeds)
        {
            scores.TryAdd(seed.Node.Id, seed.Score);
        }

        json.WriteStartObject();
        if (mode is not null)
        {
            json.WriteString("mode", mode);
        }

        json.WriteStartArray("seeds");
        foreach (GraphNodeHit seed in subgraph.Seeds)
        {
            json.WriteStartObject();
            json.WriteString("id", seed.Node.Id);
            json.WriteNumber("score", Math.Round(seed.Score, 6));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("nodes");
        foreach (GraphHop hop in subgraph.Nodes)
        {
            WriteNode(json, hop.Node, withText, hop.Distance, scores.TryGetValue(hop.Node.Id, out float score) ? score : null);
        }

        json.WriteEndArray();
        json.WriteStartArray("edges");
        foreach (GraphEdge edge in subgraph.Edges)
        {
            WriteEdge(json, edge, withText);
        }

        json.WriteEndArray();
        json.WriteBoolean("truncated", subgraph.Truncated);
        json.WriteEndObject();
    });

    public static string Name(GraphDirection direction) => direction switch
    {
        GraphDirection.Out => "out",
        GraphDirection.In => "in",
        _ => "both",
    };

    public static GraphDirection Direction(string? name) => name switch
    {
        null or "" or "both" => GraphDirection.Both,
        "out" => GraphDirection.Out,
        "in" => GraphDirection.In,
        _ => throw new CliUsageException($"direction must be out, in or both, not '{name}'."),
    };

    public static SearchMode Mode(string? name) => name switch
    {
        null or "" or "vector" => SearchMode.Vector,
        "lexical" => SearchMode.Lexical,
        "hybrid" => SearchMode.Hybrid,
        _ => throw new CliUsageException($"mode must be vector, lexical or hybrid, not '{name}'."),
    };

    /// <summary>A JSON object of properties (values typed by the database: integers, numbers, strings, booleans, lists, nested objects), or null.</summary>
    public static IReadOnlyDictionary<string, object?>? Properties(string? text, string what)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return Properties(document.RootElement, what);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{what} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>As <see cref="Properties(string?, string)"/>, from a JSON value (null and undefined: none).</summary>
    public static IReadOnlyDictionary<string, object?>? Properties(JsonElement? value, string what)
    {
        if (value is not JsonElement element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CliUsageException($"{what} must be a JSON object of key: value.");
        }

        return element.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
    }

    /// <summary>A JSON array of numbers as a vector (empty when <paramref name="text"/> is null).</summary>
    public static float[] Vector(string? text, string what)
    {
        if (text is null)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<float[]>(text) ?? throw new CliUsageException($"{what} must be a JSON array of numbers, not null.");
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{what} must be a JSON array of numbers, e.g. [0.1, -0.2]: {e.Message}");
        }
    }
}
