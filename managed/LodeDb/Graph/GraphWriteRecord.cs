namespace LodeDb.Graph;

/// <summary>
/// WAL / journal op 6 GraphWrite: everything one graph call changes, so the call is all or
/// nothing and replay never re-embeds. Layout after the op byte: node upserts (count u32, then
/// nodes as <see cref="GraphCodec"/>), edge upserts (count u32, edges), node removals (ids),
/// edge removals (ids; a removed node's edges are listed here by the writer), semantic entry
/// removals (ids), then the semantic entry upserts: u32 length (0 = none) and an embedded
/// Upsert/ChunkedUpsert payload (<see cref="WalRecord"/>, codes and terms, never re-embedded).
/// Applied in the order: edge removals, node removals, node upserts, edge upserts, entry
/// removals, entry upserts.
/// </summary>
internal sealed class GraphWriteRecord : WalRecord
{
    public const byte GraphWriteOp = 6;

    public IReadOnlyList<GraphNode> NodeUpserts { get; init; } = [];

    public IReadOnlyList<GraphEdge> EdgeUpserts { get; init; } = [];

    public IReadOnlyList<string> NodeRemovals { get; init; } = [];

    public IReadOnlyList<string> EdgeRemovals { get; init; } = [];

    public IReadOnlyList<string> EntryRemovals { get; init; } = [];

    public UpsertBatch? Entries { get; init; }

    public bool IsEmpty => NodeUpserts.Count + EdgeUpserts.Count + NodeRemovals.Count + EdgeRemovals.Count + EntryRemovals.Count == 0 && Entries is null;

    public byte[] Encode()
    {
        var writer = new ByteWriter(64 + NodeUpserts.Count * 96 + EdgeUpserts.Count * 96);
        writer.U8(GraphWriteOp);
        writer.U32(NodeUpserts.Count);
        foreach (GraphNode node in NodeUpserts)
        {
            GraphCodec.WriteNode(writer, node);
        }

        writer.U32(EdgeUpserts.Count);
        foreach (GraphEdge edge in EdgeUpserts)
        {
            GraphCodec.WriteEdge(writer, edge);
        }

        GraphCodec.WriteIds(writer, NodeRemovals);
        GraphCodec.WriteIds(writer, EdgeRemovals);
        GraphCodec.WriteIds(writer, EntryRemovals);
        if (Entries is null)
        {
            writer.U32(0);
        }
        else
        {
            writer.Blob(EncodeUpsert(Entries));
        }

        return writer.Written.ToArray();
    }

    /// <summary>Decodes the bytes after the op byte; any bad layout is a <see cref="FormatException"/>.</summary>
    public static GraphWriteRecord DecodeBody(ByteReader reader)
    {
        // A node takes at least 4 + 4 + 1 + 4 bytes, an edge 4 * 4 + 1 + 4.
        var nodes = new GraphNode[GraphCodec.ReadCount(reader, "node upserts", 13)];
        for (int i = 0; i < nodes.Length; i++)
        {
            nodes[i] = GraphCodec.ReadNode(reader);
        }

        var edges = new GraphEdge[GraphCodec.ReadCount(reader, "edge upserts", 21)];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = GraphCodec.ReadEdge(reader);
        }

        string[] nodeRemovals = GraphCodec.ReadIds(reader, "node removals");
        string[] edgeRemovals = GraphCodec.ReadIds(reader, "edge removals");
        string[] entryRemovals = GraphCodec.ReadIds(reader, "entry removals");
        ReadOnlySpan<byte> entries = reader.Blob();
        UpsertBatch? batch = null;
        if (entries.Length > 0)
        {
            batch = Decode(entries.ToArray()) is UpsertRecord upsert ? upsert.Batch : throw new FormatException("the entries of a graph write are not an upsert");
        }

        return new GraphWriteRecord
        {
            NodeUpserts = nodes,
            EdgeUpserts = edges,
            NodeRemovals = nodeRemovals,
            EdgeRemovals = edgeRemovals,
            EntryRemovals = entryRemovals,
            Entries = batch,
        };
    }

    /// <summary>Applies the record to a graph store (see the class comment for the order).</summary>
    public void Apply(SlotStore store)
    {
        GraphTable graph = store.Graph ?? throw new FormatException("a graph write in a folder that holds no graph");
        foreach (string id in EdgeRemovals)
        {
            graph.RemoveEdge(id);
        }

        foreach (string id in NodeRemovals)
        {
            graph.RemoveNode(id);
        }

        foreach (GraphNode node in NodeUpserts)
        {
            graph.UpsertNode(node);
        }

        foreach (GraphEdge edge in EdgeUpserts)
        {
            graph.UpsertEdge(edge);
        }

        foreach (string id in EntryRemovals)
        {
            store.ApplyRemove(id);
        }

        if (Entries is not null)
        {
            store.ApplyUpsert(Entries);
        }
    }
}
