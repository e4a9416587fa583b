using Microsoft.Extensions.AI;

namespace LodeDb.Graph;

/// <summary>
/// One add call on its way in: the checked nodes and edges (stored forms), their semantic
/// entries (caller vectors, or texts to embed), then, under the write lock, the one
/// <see cref="GraphWriteRecord"/> that commits them: endpoints checked against the graph and the
/// call, stale entries of replaced items removed, entries encoded for the index.
/// </summary>
internal sealed class GraphWritePlan
{
    private readonly List<Entry> _entries = [];
    private readonly List<string> _toEmbed = [];
    private float[]? _embedded;

    private GraphWritePlan(GraphNode[] nodes, GraphEdge[] edges)
    {
        Nodes = nodes;
        Edges = edges;
    }

    public GraphNode[] Nodes { get; }

    public GraphEdge[] Edges { get; }

    /// <summary>Checks a call's input; nothing is embedded yet.</summary>
    public static GraphWritePlan Prepare(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, GraphContext context)
    {
        StoreIdentity identity = context.Identity;
        var storedNodes = new GraphNode[nodes.Count];
        var storedEdges = new GraphEdge[edges.Count];
        var plan = new GraphWritePlan(storedNodes, storedEdges);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
        {
            GraphNode node = storedNodes[i] = GraphInput.Node(nodes[i], i, identity.StoreText, nameof(nodes));
            if (!seen.Add(node.Id))
            {
                throw new ArgumentException($"Node id '{node.Id}' appears twice in one call; give each node its own id.", nameof(nodes));
            }

            string text = nodes[i].Text is string raw ? node.Label + "\n" + StringValidation.WellFormed(raw, "node text", i, nameof(nodes)) : node.Label;
            plan.AddEntry(GraphLimits.NodeEntry(node.Id), node.Properties!, text, GraphInput.Vector(nodes[i].Vector, identity.Dim, i, nameof(nodes)), context.HasEmbedder);
        }

        seen.Clear();
        for (int i = 0; i < edges.Count; i++)
        {
            GraphEdge edge = storedEdges[i] = GraphInput.Edge(edges[i], i, identity.StoreText, nameof(edges));
            if (!seen.Add(edge.Id!))
            {
                throw new ArgumentException($"Edge id '{edge.Id}' appears twice in one call; give each edge its own id.", nameof(edges));
            }

            float[]? vector = GraphInput.Vector(edges[i].Vector, identity.Dim, i, nameof(edges));
            if (!context.IndexEdges)
            {
                if (vector is not null)
                {
                    throw new ArgumentException($"Edge {i} has a vector, but this graph does not index edges: open it with GraphOptions.IndexEdges = true, or pass no edge vectors.", nameof(edges));
                }

                continue;
            }

            string text = edges[i].Fact is string fact ? StringValidation.WellFormed(fact, "edge fact", i, nameof(edges)) : edge.Relation;
            plan.AddEntry(GraphLimits.EdgeEntry(edge.Id!), edge.Properties!, text, vector, context.HasEmbedder);
        }

        return plan;
    }

    private void AddEntry(string entryId, IReadOnlyDictionary<string, object?> metadata, string text, float[]? vector, bool canEmbed)
    {
        if (vector is null && !canEmbed)
        {
            return; // a vector-only graph's item without a vector: structure only, no entry
        }

        _entries.Add(new Entry(entryId, metadata, text, vector, vector is null ? _toEmbed.Count : -1));
        if (vector is null)
        {
            _toEmbed.Add(text);
        }
    }

    /// <summary>Embeds the entry texts that have no caller vector (nothing when all have one).</summary>
    public async Task EmbedAsync(GraphContext context, CancellationToken cancellationToken)
    {
        if (_toEmbed.Count == 0)
        {
            return;
        }

        IEmbeddingGenerator<string, Embedding<float>> embedder = context.Database.Embedders.RequireText("Embedding graph text");
        _embedded = await TextIngest.EmbedAsync(embedder, _toEmbed, query: false, context.Database.Embedders.IngestText, context.Identity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Under the write lock: the record of this call against the graph as it is now.</summary>
    public GraphWriteRecord Build(SlotStore store)
    {
        GraphTable graph = LodeDatabase.GraphOf(store);
        var callNodes = new HashSet<string>(Nodes.Select(n => n.Id), StringComparer.Ordinal);
        foreach (GraphEdge edge in Edges)
        {
            foreach (string end in new[] { edge.Source, edge.Target })
            {
                if (!callNodes.Contains(end) && !graph.ContainsNode(end))
                {
                    throw new GraphEndpointNotFoundException(edge.Id!, end);
                }
            }
        }

        // A replaced item that now has no entry loses its old one in the same record.
        var entryIds = new HashSet<string>(_entries.Select(e => e.Id), StringComparer.Ordinal);
        var stale = Nodes.Select(n => GraphLimits.NodeEntry(n.Id)).Concat(Edges.Select(e => GraphLimits.EdgeEntry(e.Id!)))
            .Where(id => !entryIds.Contains(id) && store.Rows.TryGetSlot(id, out _))
            .ToArray();
        return new GraphWriteRecord
        {
            NodeUpserts = Nodes,
            EdgeUpserts = Edges,
            EntryRemovals = stale,
            Entries = _entries.Count == 0 ? null : EncodeEntries(store, _entries, _embedded),
        };
    }

    /// <summary>Encodes entries (caller vectors or rows of <paramref name="embedded"/>) as one upsert batch of the store.</summary>
    internal static UpsertBatch EncodeEntries(SlotStore store, IReadOnlyList<Entry> entries, float[]? embedded)
    {
        int dim = store.Dimension;
        var normalized = new float[checked(entries.Count * dim)];
        for (int i = 0; i < entries.Count; i++)
        {
            ReadOnlySpan<float> row = entries[i].Vector ?? embedded.AsSpan(entries[i].EmbeddedRow * dim, dim);
            row.CopyTo(normalized.AsSpan(i * dim, dim));
        }

        (string?[] texts, IReadOnlyList<string>?[] tokens) = TextIngest.ChunkRows(store.Identity, entries.Select(e => e.Text).ToList());
        return store.Encode(normalized, entries.Select(e => e.Id).ToArray(), entries.Select(e => e.Metadata).ToArray(),
            Enumerable.Range(0, entries.Count + 1).ToArray(), texts, tokens, contentHashes: null);
    }

    /// <summary>One semantic entry: its id, metadata (the item's properties), lexical text, and a caller vector or its row among the embedded texts.</summary>
    internal sealed record Entry(string Id, IReadOnlyDictionary<string, object?> Metadata, string Text, float[]? Vector, int EmbeddedRow);
}
