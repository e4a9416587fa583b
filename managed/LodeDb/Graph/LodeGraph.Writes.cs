namespace LodeDb.Graph;

/// <summary>Adding, replacing and removing nodes and edges: one call = one log record, all or nothing.</summary>
public sealed partial class LodeGraph
{
    /// <summary>Adds a node, or replaces the node with its id (its edges stay; its semantic entry is replaced). Returns the id.</summary>
    /// <remarks>Blocks until the embedder answers; prefer the Async form.</remarks>
    public string AddNode(GraphNode node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return AddNodes([node], cancellationToken)[0];
    }

    /// <summary>As <see cref="AddNode"/>, awaiting the embedder.</summary>
    public async Task<string> AddNodeAsync(GraphNode node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return (await AddNodesAsync([node], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Adds (or replaces by id) nodes in one atomic commit: all are stored with their semantic
    /// entries, or none. Everything is checked before any embedder call. Returns the ids in order.
    /// </summary>
    /// <exception cref="ArgumentException">Bad input (ids, labels, text, properties, vectors, a repeated id, a record over the log's 1 GiB limit: split the call).</exception>
    /// <remarks>Blocks until the embedder answers; prefer the Async form.</remarks>
    public IReadOnlyList<string> AddNodes(IReadOnlyList<GraphNode> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return SyncBridge.Run(() => WriteAsync(nodes, [], nameof(AddNodes), cancellationToken)).Nodes;
    }

    /// <summary>As <see cref="AddNodes"/>, awaiting the embedder.</summary>
    public async Task<IReadOnlyList<string>> AddNodesAsync(IReadOnlyList<GraphNode> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return (await WriteAsync(nodes, [], nameof(AddNodes), cancellationToken).ConfigureAwait(false)).Nodes;
    }

    /// <summary>Adds an edge (its source and target must exist), or replaces the edge with its id. Returns the id (generated when null).</summary>
    /// <exception cref="GraphEndpointNotFoundException">The source or target is not a node.</exception>
    public string AddEdge(GraphEdge edge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return AddEdges([edge], cancellationToken)[0];
    }

    /// <summary>As <see cref="AddEdge"/>, awaiting the embedder (edges are embedded only with <see cref="GraphOptions.IndexEdges"/>).</summary>
    public async Task<string> AddEdgeAsync(GraphEdge edge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return (await AddEdgesAsync([edge], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Adds (or replaces by id) edges in one atomic commit; every source and target must be a node. Returns the ids in order.</summary>
    /// <exception cref="GraphEndpointNotFoundException">An edge names a node the graph does not hold; nothing was stored.</exception>
    public IReadOnlyList<string> AddEdges(IReadOnlyList<GraphEdge> edges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edges);
        return SyncBridge.Run(() => WriteAsync([], edges, nameof(AddEdges), cancellationToken)).Edges;
    }

    /// <summary>As <see cref="AddEdges"/>, awaiting the embedder.</summary>
    public async Task<IReadOnlyList<string>> AddEdgesAsync(IReadOnlyList<GraphEdge> edges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edges);
        return (await WriteAsync([], edges, nameof(AddEdges), cancellationToken).ConfigureAwait(false)).Edges;
    }

    /// <summary>
    /// Starts an ingest scope: nodes and edges added to it are checked as they come and committed
    /// together, in one record, by <see cref="GraphIngest.Commit"/> (edges may name nodes of the
    /// same scope). Disposing the scope without committing discards it.
    /// </summary>
    public GraphIngest BeginIngest()
    {
        _store.RequireWritable(nameof(BeginIngest));
        return new GraphIngest(this);
    }

    /// <summary>Removes a node and every edge joining it (and their semantic entries), in one record; returns whether the node existed.</summary>
    public bool RemoveNode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RemoveNodes([id]) > 0;
    }

    /// <summary>Removes nodes and every edge joining them, with their entries, in one record; returns how many of the nodes existed.</summary>
    public int RemoveNodes(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Remove(ids, [], nameof(RemoveNodes)).Nodes;
    }

    /// <summary>Removes an edge (and its entry); returns whether it existed.</summary>
    public bool RemoveEdge(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RemoveEdges([id]) > 0;
    }

    /// <summary>Removes edges (and their entries) in one record; returns how many existed.</summary>
    public int RemoveEdges(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Remove([], ids, nameof(RemoveEdges)).Edges;
    }

    /// <summary>The core of every add: check, embed outside the lock, then build and commit the record under it.</summary>
    internal async Task<(IReadOnlyList<string> Nodes, IReadOnlyList<string> Edges)> WriteAsync(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, string operation, CancellationToken cancellationToken)
    {
        _store.RequireWritable(operation);
        GraphWritePlan plan = GraphWritePlan.Prepare(nodes, edges, _context);
        if (plan.Nodes.Length + plan.Edges.Length == 0)
        {
            return ([], []);
        }

        await plan.EmbedAsync(_context, cancellationToken).ConfigureAwait(false);
        _store.WriteStore(operation, (store, log) =>
        {
            Commit(store, log, plan.Build(store));
            return 0;
        });
        return (plan.Nodes.Select(n => n.Id).ToArray(), plan.Edges.Select(e => e.Id!).ToArray());
    }

    private (int Nodes, int Edges) Remove(IReadOnlyList<string> nodeIds, IReadOnlyList<string> edgeIds, string operation)
    {
        for (int i = 0; i < nodeIds.Count; i++)
        {
            _ = nodeIds[i] ?? throw new ArgumentException($"Id {i} is null.", nameof(nodeIds));
        }

        for (int i = 0; i < edgeIds.Count; i++)
        {
            _ = edgeIds[i] ?? throw new ArgumentException($"Id {i} is null.", nameof(edgeIds));
        }

        return _store.WriteStore(operation, (store, log) =>
        {
            GraphTable graph = LodeDatabase.GraphOf(store);
            string[] nodes = nodeIds.Where(graph.ContainsNode).Distinct(StringComparer.Ordinal).ToArray();
            // The cascade is computed here, before encoding: the record lists every edge it removes.
            string[] named = edgeIds.Where(graph.ContainsEdge).Distinct(StringComparer.Ordinal).ToArray();
            string[] edges = named.Concat(nodes.SelectMany(graph.EdgeIdsOf)).Distinct(StringComparer.Ordinal).ToArray();
            if (nodes.Length + edges.Length == 0)
            {
                return (0, 0);
            }

            string[] entries = nodes.Select(GraphLimits.NodeEntry).Concat(edges.Select(GraphLimits.EdgeEntry))
                .Where(id => store.Rows.TryGetSlot(id, out _)).ToArray();
            Commit(store, log, new GraphWriteRecord { NodeRemovals = nodes, EdgeRemovals = edges, EntryRemovals = entries });
            return (nodes.Length, named.Length);
        });
    }

    /// <summary>Logs and applies one record (refused whole when it exceeds the log's record limit).</summary>
    internal static void Commit(SlotStore store, CommitLog log, GraphWriteRecord record)
    {
        byte[] payload = record.Encode();
        if (payload.Length > GraphLimits.MaxRecordBytes)
        {
            throw new ArgumentException($"This call would write a log record of {payload.Length:N0} bytes; one record holds at most {GraphLimits.MaxRecordBytes:N0} (the WAL's 1 GiB frame limit). Nothing was stored: split the call into smaller ones (each is then all or nothing on its own).");
        }

        log.Commit(store, payload, () => record.Apply(store));
    }
}
