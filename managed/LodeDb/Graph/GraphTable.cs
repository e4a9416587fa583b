namespace LodeDb.Graph;

/// <summary>
/// The graph structure of a graph store, in memory: nodes and edges by id, and per node its out-
/// and in-edges in edge insertion order (an ordinal per edge; a replaced edge is re-inserted, so
/// it moves to the end). Node order is insertion order too (a replaced node keeps its place).
/// Owned by the <see cref="SlotStore"/> of the graph's folder and guarded by its database's lock.
/// Structural inconsistencies (an edge to a missing node, a node removed with edges left) are
/// <see cref="FormatException"/>: the writer never produces them, so from a log they are damage.
/// </summary>
internal sealed class GraphTable
{
    private readonly Dictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EdgeEntry> _edges = new(StringComparer.Ordinal);
    private long _nextNodeOrdinal;
    private long _nextEdgeOrdinal;

    public int NodeCount => _nodes.Count;

    public int EdgeCount => _edges.Count;

    public GraphNode? Node(string id) => _nodes.TryGetValue(id, out NodeEntry? entry) ? entry.Node : null;

    public GraphEdge? Edge(string id) => _edges.TryGetValue(id, out EdgeEntry? entry) ? entry.Edge : null;

    public bool ContainsNode(string id) => _nodes.ContainsKey(id);

    public bool ContainsEdge(string id) => _edges.ContainsKey(id);

    /// <summary>Adds a node, or replaces the one with its id in place (its edges stay).</summary>
    public void UpsertNode(GraphNode node)
    {
        if (_nodes.TryGetValue(node.Id, out NodeEntry? existing))
        {
            existing.Node = node;
            return;
        }

        _nodes.Add(node.Id, new NodeEntry(node, _nextNodeOrdinal++));
    }

    /// <summary>Adds an edge (both ends must exist), or replaces the one with its id (re-inserted at the end).</summary>
    public void UpsertEdge(GraphEdge edge)
    {
        string id = edge.Id ?? throw new FormatException("an edge without an id");
        if (!_nodes.TryGetValue(edge.Source, out NodeEntry? source) || !_nodes.TryGetValue(edge.Target, out NodeEntry? target))
        {
            throw new FormatException($"edge '{id}' joins '{edge.Source}' and '{edge.Target}', and one of them is not a node");
        }

        RemoveEdge(id);
        var entry = new EdgeEntry(edge, _nextEdgeOrdinal++);
        _edges.Add(id, entry);
        source.Out.Add(entry);
        target.In.Add(entry);
    }

    /// <summary>Removes an edge; returns whether it existed.</summary>
    public bool RemoveEdge(string id)
    {
        if (!_edges.Remove(id, out EdgeEntry? entry))
        {
            return false;
        }

        // Marked, not searched for: removing the d edges of a hub stays O(d), not O(d^2).
        entry.Removed = true;
        _nodes[entry.Edge.Source].Unlink(outgoing: true);
        _nodes[entry.Edge.Target].Unlink(outgoing: false);
        return true;
    }

    /// <summary>Removes a node whose edges are already gone (the writer lists them in the same record).</summary>
    public bool RemoveNode(string id)
    {
        if (!_nodes.TryGetValue(id, out NodeEntry? entry))
        {
            return false;
        }

        int live = entry.LiveEdges;
        if (live > 0)
        {
            throw new FormatException($"node '{id}' is removed while {live} edges still join it");
        }

        _nodes.Remove(id);
        return true;
    }

    /// <summary>Live edge links of a node: its out- plus in-edges (a self-loop counts twice); 0 when it is not a node.</summary>
    public int LiveEdgeCount(string id) => _nodes.TryGetValue(id, out NodeEntry? entry) ? entry.LiveEdges : 0;

    /// <summary>Ids of every edge of a node (out, then in; a self-loop once).</summary>
    public IEnumerable<string> EdgeIdsOf(string id)
    {
        if (!_nodes.TryGetValue(id, out NodeEntry? entry))
        {
            return [];
        }

        return entry.Out.Concat(entry.In).Where(e => !e.Removed).Select(e => e.Edge.Id!).Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// A node's edges in <paramref name="direction"/>, in insertion order (Both: the out- and
    /// in-lists merged by ordinal; a self-loop appears once, as Out), each with the node at the
    /// other end and the direction it was followed in.
    /// </summary>
    public IEnumerable<(GraphEdge Edge, string Other, GraphDirection Direction)> EdgesOf(string id, GraphDirection direction)
    {
        if (!_nodes.TryGetValue(id, out NodeEntry? entry))
        {
            yield break;
        }

        List<EdgeEntry> outs = direction == GraphDirection.In ? [] : entry.Out;
        List<EdgeEntry> ins = direction == GraphDirection.Out ? [] : entry.In;
        int i = 0, j = 0;
        while (i < outs.Count || j < ins.Count)
        {
            if (j >= ins.Count || (i < outs.Count && outs[i].Ordinal <= ins[j].Ordinal))
            {
                EdgeEntry e = outs[i++];
                if (!e.Removed)
                {
                    yield return (e.Edge, e.Edge.Target, GraphDirection.Out);
                }
            }
            else
            {
                EdgeEntry e = ins[j++];
                // A self-loop was given as Out already.
                if (!e.Removed && !(direction == GraphDirection.Both && e.Edge.Source == e.Edge.Target))
                {
                    yield return (e.Edge, e.Edge.Source, GraphDirection.In);
                }
            }
        }
    }

    /// <summary>Every node in insertion order.</summary>
    public IEnumerable<GraphNode> Nodes() => _nodes.Values.OrderBy(n => n.Ordinal).Select(n => n.Node);

    /// <summary>Every edge in insertion order.</summary>
    public IEnumerable<GraphEdge> Edges() => _edges.Values.OrderBy(e => e.Ordinal).Select(e => e.Edge);

    private sealed class NodeEntry(GraphNode node, long ordinal)
    {
        public GraphNode Node { get; set; } = node;

        public long Ordinal { get; } = ordinal;

        /// <summary>Out-edges by ordinal; removed ones stay (marked) until they are half the list.</summary>
        public List<EdgeEntry> Out { get; private set; } = [];

        public List<EdgeEntry> In { get; private set; } = [];

        public int OutDead { get; private set; }

        public int InDead { get; private set; }

        public int LiveEdges => Out.Count - OutDead + In.Count - InDead;

        /// <summary>Counts a removed (already marked) edge of this node, and drops the marked ones once they are half its list.</summary>
        public void Unlink(bool outgoing)
        {
            if (outgoing)
            {
                if (++OutDead * 2 > Out.Count)
                {
                    Out = Out.Where(e => !e.Removed).ToList();
                    OutDead = 0;
                }
            }
            else if (++InDead * 2 > In.Count)
            {
                In = In.Where(e => !e.Removed).ToList();
                InDead = 0;
            }
        }
    }

    private sealed class EdgeEntry(GraphEdge edge, long ordinal)
    {
        public GraphEdge Edge { get; } = edge;

        public long Ordinal { get; } = ordinal;

        public bool Removed { get; set; }
    }
}
