namespace LodeDb.Graph;

/// <summary>
/// The checks of graph input, before any embedding or lock: ids (as the database's, less the
/// entry prefix), labels, types and relations (with a visible character, well-formed, bounded), texts
/// (well-formed), properties (the metadata rules), vectors (dimension, finite, non-zero).
/// Returns the forms that are stored: normalised properties, text dropped when the database
/// does not store text, no vector. Bad input is a typed <see cref="ArgumentException"/>.
/// </summary>
internal static class GraphInput
{
    public static GraphNode Node(GraphNode? node, int index, bool storeText, string argumentName)
    {
        if (node is null)
        {
            throw new ArgumentException($"Node {index} is null.", argumentName);
        }

        return new GraphNode(Id(node.Id, "node id", index, argumentName), Name(node.Label, "label", index, argumentName))
        {
            Type = node.Type is null ? null : Name(node.Type, "type", index, argumentName),
            Text = node.Text is null || !storeText ? null : StringValidation.WellFormed(node.Text, "node text", index, argumentName),
            Properties = MetadataCodec.Normalize(node.Properties, argumentName, index),
        };
    }

    public static GraphEdge Edge(GraphEdge? edge, int index, bool storeText, string argumentName)
    {
        if (edge is null)
        {
            throw new ArgumentException($"Edge {index} is null.", argumentName);
        }

        return new GraphEdge(Id(edge.Source, "edge source", index, argumentName), Name(edge.Relation, "relation", index, argumentName), Id(edge.Target, "edge target", index, argumentName))
        {
            Id = edge.Id is null ? WriteValidation.NewId() : Id(edge.Id, "edge id", index, argumentName),
            Fact = edge.Fact is null || !storeText ? null : StringValidation.WellFormed(edge.Fact, "edge fact", index, argumentName),
            Properties = MetadataCodec.Normalize(edge.Properties, argumentName, index),
        };
    }

    /// <summary>A node or edge id: what the database accepts, at most <see cref="GraphLimits.MaxIdLength"/> characters.</summary>
    public static string Id(string? id, string what, int index, string argumentName)
    {
        if (id is null)
        {
            throw new ArgumentException($"Item {index} has no {what}.", argumentName);
        }

        if (id.Length > GraphLimits.MaxIdLength)
        {
            throw new ArgumentException($"A graph {what} is at most {GraphLimits.MaxIdLength} characters; item {index} has {id.Length}.", argumentName);
        }

        return WriteValidation.CheckId(id, argumentName, index);
    }

    private static string Name(string? value, string what, int index, string argumentName)
    {
        if (value is null || !VisibleText.Any(value))
        {
            throw new ArgumentException($"Item {index} has an empty {what} (no visible characters: empty, or only whitespace, format or control characters); give it a {what} that shows something.", argumentName);
        }

        if (value.Length > GraphLimits.MaxNameLength)
        {
            throw new ArgumentException($"A {what} is at most {GraphLimits.MaxNameLength} characters; item {index} has {value.Length}.", argumentName);
        }

        return StringValidation.WellFormed(value, what, index, argumentName);
    }

    /// <summary>A caller vector checked and normalised (null when none was given).</summary>
    public static float[]? Vector(ReadOnlyMemory<float> vector, int dimension, int index, string argumentName)
    {
        if (vector.IsEmpty)
        {
            return null;
        }

        var normalized = new float[dimension];
        VectorValidation.CopyNormalized(vector.Span, dimension, normalized, 0, $"{argumentName}[{index}].Vector");
        return normalized;
    }
}
