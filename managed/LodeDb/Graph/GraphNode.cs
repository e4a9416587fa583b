namespace LodeDb.Graph;

/// <summary>
/// A node of a <see cref="LodeGraph"/>: an id (unique in the graph), a label (its name, always
/// stored and embedded), an optional type, JSON-like properties (the metadata value types of
/// <see cref="LodeDatabase"/>) and optional text (embedded with the label; stored only when the
/// database stores text).
/// </summary>
public sealed record GraphNode(string Id, string Label)
{
    /// <summary>An optional type ("person", "company"); stored as structure.</summary>
    public string? Type { get; init; }

    /// <summary>Properties: strings, numbers, booleans, null, arrays and nested objects, as for <see cref="LodeDatabase"/> metadata. Never null on a returned node.</summary>
    public IReadOnlyDictionary<string, object?>? Properties { get; init; }

    /// <summary>Optional text embedded after the label. Returned only when the database stores text.</summary>
    public string? Text { get; init; }

    /// <summary>
    /// Input only: the node's vector in a vector-only graph (the database's dimension), or one that
    /// replaces the embedding of the label and text in an embedder graph. Empty: none. Never returned.
    /// </summary>
    public ReadOnlyMemory<float> Vector { get; init; }
}
