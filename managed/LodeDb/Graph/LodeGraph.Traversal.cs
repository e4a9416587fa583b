namespace LodeDb.Graph;

/// <summary>Neighbours and k-hop expansion.</summary>
public sealed partial class LodeGraph
{
    /// <summary>
    /// The edges of node <paramref name="id"/> in <paramref name="direction"/> (optionally only the
    /// given relations), each with the node at its other end, in edge insertion order (Both: out-
    /// and in-edges merged by that order; a self-loop once). Empty for an unknown id.
    /// </summary>
    public IReadOnlyList<GraphNeighbor> Neighbors(string id, GraphDirection direction = GraphDirection.Both, IReadOnlyCollection<string>? relations = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        CheckDirection(direction);
        HashSet<string>? wanted = Relations(relations);
        return _store.ReadStore(store =>
        {
            GraphTable graph = LodeDatabase.GraphOf(store);
            return graph.EdgesOf(id, direction)
                .Where(e => wanted is null || wanted.Contains(e.Edge.Relation))
                .Select(e => new GraphNeighbor(e.Edge, graph.Node(e.Other)!, e.Direction))
                .ToArray();
        });
    }

    /// <summary>
    /// Breadth-first expansion from <paramref name="ids"/> up to <paramref name="k"/> hops along
    /// edges in <paramref name="direction"/> (optionally only the given relations). Nodes come by
    /// hop, then in the order they were reached (seeds in the order given, each node's edges in
    /// insertion order); unknown seed ids are skipped. At most <paramref name="maxNodes"/> nodes and
    /// <paramref name="maxNodes"/> x <see cref="MaxEdgesPerNode"/> edges are returned;
    /// <see cref="GraphSubgraph.Truncated"/> says a limit cut the expansion.
    /// </summary>
    public GraphSubgraph KHop(IReadOnlyList<string> ids, int k, IReadOnlyCollection<string>? relations = null, int maxNodes = DefaultMaxNodes, GraphDirection direction = GraphDirection.Both, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNodes, 1);
        CheckDirection(direction);
        for (int i = 0; i < ids.Count; i++)
        {
            _ = ids[i] ?? throw new ArgumentException($"Id {i} is null.", nameof(ids));
        }

        HashSet<string>? wanted = Relations(relations);
        return _store.ReadStore(store => GraphTraversal.Expand(LodeDatabase.GraphOf(store), ids, k, wanted, direction, maxNodes, [], cancellationToken));
    }

    private static HashSet<string>? Relations(IReadOnlyCollection<string>? relations)
    {
        if (relations is null)
        {
            return null;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string relation in relations)
        {
            set.Add(relation ?? throw new ArgumentException("A relation is null.", nameof(relations)));
        }

        return set;
    }

    private static void CheckDirection(GraphDirection direction)
    {
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction.");
        }
    }
}
