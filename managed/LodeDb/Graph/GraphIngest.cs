namespace LodeDb.Graph;

/// <summary>
/// A batch of node and edge additions committed together in one log record
/// (<see cref="LodeGraph.BeginIngest"/>). Items are checked when they are committed; an edge may
/// name a node of the same scope. Disposing without <see cref="Commit"/> discards everything.
/// Not thread-safe: one scope belongs to one caller.
/// </summary>
public sealed class GraphIngest : IDisposable
{
    private readonly LodeGraph _graph;
    private readonly List<GraphNode> _nodes = [];
    private readonly List<GraphEdge> _edges = [];
    private bool _closed;

    internal GraphIngest(LodeGraph graph) => _graph = graph;

    /// <summary>Nodes waiting in the scope.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Edges waiting in the scope.</summary>
    public int EdgeCount => _edges.Count;

    /// <summary>Queues a node (a later node with the same id in the scope is refused at commit).</summary>
    public void AddNode(GraphNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfClosed();
        _nodes.Add(node);
    }

    /// <summary>Queues nodes: all of them, or none when one is null.</summary>
    public void AddNodes(IEnumerable<GraphNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ThrowIfClosed();
        // Copied and checked first: a refused call queues nothing.
        List<GraphNode> batch = [.. nodes];
        for (int i = 0; i < batch.Count; i++)
        {
            _ = batch[i] ?? throw new ArgumentNullException(nameof(nodes), $"Node {i} is null.");
        }

        _nodes.AddRange(batch);
    }

    /// <summary>Queues an edge; its id, when null, is generated now so the caller can refer to it.</summary>
    public string AddEdge(GraphEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ThrowIfClosed();
        GraphEdge withId = edge.Id is null ? edge with { Id = WriteValidation.NewId() } : edge;
        _edges.Add(withId);
        return withId.Id!;
    }

    /// <summary>Queues edges (ids generated for those without one): all of them, or none when one is null.</summary>
    public void AddEdges(IEnumerable<GraphEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ThrowIfClosed();
        // Copied and checked first: a refused call queues nothing.
        List<GraphEdge> batch = [.. edges];
        for (int i = 0; i < batch.Count; i++)
        {
            GraphEdge edge = batch[i] ?? throw new ArgumentNullException(nameof(edges), $"Edge {i} is null.");
            batch[i] = edge.Id is null ? edge with { Id = WriteValidation.NewId() } : edge;
        }

        _edges.AddRange(batch);
    }

    /// <summary>Commits every queued node and edge in one record (all or nothing) and closes the scope.</summary>
    /// <remarks>Blocks until the embedder answers; prefer <see cref="CommitAsync"/>.</remarks>
    public void Commit(CancellationToken cancellationToken = default) =>
        SyncBridge.Run(async () =>
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });

    /// <summary>As <see cref="Commit"/>, awaiting the embedder. A failed commit stores nothing and leaves the scope open (fix it and commit again, or dispose it).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await _graph.WriteAsync(_nodes, _edges, nameof(Commit), cancellationToken).ConfigureAwait(false);
        _closed = true;
        _nodes.Clear();
        _edges.Clear();
    }

    /// <summary>Discards whatever was not committed.</summary>
    public void Dispose()
    {
        _closed = true;
        _nodes.Clear();
        _edges.Clear();
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);
}
