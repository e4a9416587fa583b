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

        string[] nodeRemovals = GraphCodec.ReadIds(reader, "node removals", GraphLimits.MaxIdLength);
        string[] edgeRemovals = GraphCodec.ReadIds(reader, "edge removals", GraphLimits.MaxIdLength);
        string[] entryRemovals = GraphCodec.ReadIds(reader, "entry removals", LodeDatabase.MaxIdLength);
        ReadOnlySpan<byte> entries = reader.Blob();
        UpsertBatch? batch = null;
        if (entries.Length > 0)
        {
            // Only an upsert, checked before decoding: a graph write nested in the blob would
            // recurse once per level (a stack overflow kills the process, the copies cost
            // quadratic memory).
            if ((entries[0] & ~(RescoreFlag | ContentHashFlag)) is not (UpsertOp or ChunkedUpsertOp))
            {
                throw new FormatException($"the entries of a graph write are operation {entries[0]}, not an upsert");
            }

            batch = ((UpsertRecord)Decode(entries.ToArray())).Batch;
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

    /// <summary>
    /// Applies the record to a graph store (see the class comment for the order), whole or not at
    /// all: every step that could fail is checked first (<see cref="Check"/>), so a record a
    /// repair refuses leaves nothing of itself behind.
    /// </summary>
    public void Apply(SlotStore store)
    {
        GraphTable graph = store.Graph ?? throw new FormatException("a graph write in a folder that holds no graph");
        Check(store, graph);
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

    /// <summary>
    /// Throws <see cref="FormatException"/> when a step of <see cref="Apply"/> would fail on the
    /// store as it is: a node removed with edges left (say, its cascade was computed after a
    /// record a repair lost), an edge upsert whose end is no node once the removals and node
    /// upserts are done, entries that do not fit the index. Works on the record's own ids.
    /// </summary>
    private void Check(SlotStore store, GraphTable graph)
    {
        // The edges the removals take out, and how many links of each node go with them.
        var removedEdges = new HashSet<string>(StringComparer.Ordinal);
        var cut = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string id in EdgeRemovals)
        {
            if (graph.Edge(id) is GraphEdge edge && removedEdges.Add(id))
            {
                cut[edge.Source] = cut.GetValueOrDefault(edge.Source) + 1;
                cut[edge.Target] = cut.GetValueOrDefault(edge.Target) + 1;
            }
        }

        var removedNodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in NodeRemovals)
        {
            if (graph.ContainsNode(id) && removedNodes.Add(id))
            {
                int live = graph.LiveEdgeCount(id) - cut.GetValueOrDefault(id);
                if (live > 0)
                {
                    throw new FormatException($"node '{id}' is removed while {live} edge links still join it");
                }
            }
        }

        var upserted = new HashSet<string>(NodeUpserts.Select(n => n.Id), StringComparer.Ordinal);
        bool IsNode(string id) => upserted.Contains(id) || (graph.ContainsNode(id) && !removedNodes.Contains(id));
        foreach (GraphEdge edge in EdgeUpserts)
        {
            string id = edge.Id ?? throw new FormatException("an edge without an id");
            if (!IsNode(edge.Source) || !IsNode(edge.Target))
            {
                throw new FormatException($"edge '{id}' joins '{edge.Source}' and '{edge.Target}', and one of them is not a node");
            }
        }

        if (Entries is not null)
        {
            store.CheckUpsert(Entries);
        }
    }
}
