namespace LodeDb.Graph;

/// <summary>
/// A directed edge of a <see cref="LodeGraph"/>: <see cref="Source"/> -<see cref="Relation"/>-&gt;
/// <see cref="Target"/> (both nodes must exist), with properties and an optional fact text
/// ("Alice has worked at Acme since 2019").
/// </summary>
public sealed record GraphEdge(string Source, string Relation, string Target)
{
    /// <summary>The edge's id: null on input to have one generated; always set on a returned edge. An existing id is replaced.</summary>
    public string? Id { get; init; }

    /// <summary>Properties, as for <see cref="GraphNode.Properties"/>. Never null on a returned edge.</summary>
    public IReadOnlyDictionary<string, object?>? Properties { get; init; }

    /// <summary>Optional fact text, embedded when <see cref="GraphOptions.IndexEdges"/> is on. Returned only when the database stores text.</summary>
    public string? Fact { get; init; }

    /// <summary>Input only: the edge's vector in a vector-only graph with <see cref="GraphOptions.IndexEdges"/>. Empty: none. Never returned.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }
}
