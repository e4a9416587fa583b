namespace LodeDb.Graph;

/// <summary>
/// The byte layout of one node and one edge, shared by the GraphWrite log record and the
/// <c>.graph</c> file (little-endian, strings u32 length + UTF-8, properties u32 length + UTF-8 JSON
/// as metadata). Node: id, label, flags u8 (bit 0 type, bit 1 text), type, text, properties.
/// Edge: id, source, target, relation, flags u8 (bit 1 fact), fact, properties. Text and fact
/// are written only when given (the writer drops them with <c>StoreText = false</c>).
/// </summary>
internal static class GraphCodec
{
    private const byte TypeFlag = 1;
    private const byte TextFlag = 2;

    public static void WriteNode(ByteWriter writer, GraphNode node)
    {
        writer.String(node.Id);
        writer.String(node.Label);
        writer.U8((byte)((node.Type is null ? 0 : TypeFlag) | (node.Text is null ? 0 : TextFlag)));
        if (node.Type is not null)
        {
            writer.String(node.Type);
        }

        if (node.Text is not null)
        {
            writer.String(node.Text);
        }

        writer.Blob(MetadataCodec.Serialize(node.Properties ?? MetadataCodec.Empty));
    }

    public static GraphNode ReadNode(ByteReader reader)
    {
        string id = Id(reader.String(), "node id");
        string label = Name(reader.String(), "node label");
        byte flags = reader.U8();
        if ((flags & ~(TypeFlag | TextFlag)) != 0)
        {
            throw new FormatException($"node '{id}' has flags {flags}");
        }

        string? type = (flags & TypeFlag) != 0 ? Name(reader.String(), "node type") : null;
        string? text = (flags & TextFlag) != 0 ? reader.String() : null;
        return new GraphNode(id, label) { Type = type, Text = text, Properties = MetadataCodec.Deserialize(reader.Blob()) };
    }

    public static void WriteEdge(ByteWriter writer, GraphEdge edge)
    {
        writer.String(edge.Id!);
        writer.String(edge.Source);
        writer.String(edge.Target);
        writer.String(edge.Relation);
        writer.U8((byte)(edge.Fact is null ? 0 : TextFlag));
        if (edge.Fact is not null)
        {
            writer.String(edge.Fact);
        }

        writer.Blob(MetadataCodec.Serialize(edge.Properties ?? MetadataCodec.Empty));
    }

    public static GraphEdge ReadEdge(ByteReader reader)
    {
        string id = Id(reader.String(), "edge id");
        string source = Id(reader.String(), "edge source");
        string target = Id(reader.String(), "edge target");
        string relation = Name(reader.String(), "edge relation");
        byte flags = reader.U8();
        if ((flags & ~TextFlag) != 0)
        {
            throw new FormatException($"edge '{id}' has flags {flags}");
        }

        string? fact = flags != 0 ? reader.String() : null;
        return new GraphEdge(source, relation, target) { Id = id, Fact = fact, Properties = MetadataCodec.Deserialize(reader.Blob()) };
    }

    /// <summary>A string list: count u32, then each string.</summary>
    public static void WriteIds(ByteWriter writer, IReadOnlyList<string> ids)
    {
        writer.U32(ids.Count);
        foreach (string id in ids)
        {
            writer.String(id);
        }
    }

    /// <summary>A string list of ids of at most <paramref name="maxLength"/> characters each.</summary>
    public static string[] ReadIds(ByteReader reader, string what, int maxLength)
    {
        int count = reader.Count(what);
        if ((long)count * 4 > reader.Remaining)
        {
            // Checked before the array is allocated: each string takes at least its 4-byte length.
            throw new FormatException($"{count} {what} with {reader.Remaining} bytes left");
        }

        var ids = new string[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = Bounded(NonEmpty(reader.String(), what), maxLength, what);
        }

        return ids;
    }

    /// <summary>A count of items that take at least <paramref name="minBytes"/> each, checked against the bytes left before anything is allocated.</summary>
    public static int ReadCount(ByteReader reader, string what, int minBytes)
    {
        int count = reader.Count(what);
        return (long)count * minBytes <= reader.Remaining ? count : throw new FormatException($"{count} {what} with {reader.Remaining} bytes left");
    }

    private static string NonEmpty(string value, string what) => value.Length > 0 ? value : throw new FormatException($"an empty {what}");

    // The writer's input rules (GraphInput), checked again on read: what breaks them is damage.
    private static string Id(string value, string what) => Bounded(NonEmpty(value, what), GraphLimits.MaxIdLength, what);

    private static string Name(string value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new FormatException($"a blank {what}") : Bounded(value, GraphLimits.MaxNameLength, what);

    private static string Bounded(string value, int maxLength, string what) =>
        value.Length <= maxLength ? value : throw new FormatException($"a {what} of {value.Length} characters, over the limit of {maxLength}");
}
