namespace LodeDb.Graph;

/// <summary>
/// Breadth-first expansion over a <see cref="GraphTable"/>. Order is deterministic: the seeds in
/// the order given (unknown ids skipped, repeats once), then hop by hop; within a hop, the
/// frontier nodes in the order they were reached, each node's edges in edge insertion order
/// (<see cref="GraphTable.EdgesOf"/>), a new node appended when first reached. Memory is bounded:
/// at most maxNodes nodes and maxNodes x <see cref="LodeGraph.MaxEdgesPerNode"/> edges are kept,
/// and the frontier is walked in chunks of <see cref="ChunkNodes"/> (cancellation is checked between chunks).
/// </summary>
internal static class GraphTraversal
{
    public const int ChunkNodes = 1024;

    public static GraphSubgraph Expand(
        GraphTable graph, IEnumerable<string> seeds, int hops, IReadOnlySet<string>? relations, GraphDirection direction, int maxNodes,
        IReadOnlyList<GraphNodeHit> seedHits, CancellationToken cancellationToken)
    {
        long maxEdges = (long)maxNodes * LodeGraph.MaxEdgesPerNode;
        var distance = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = new List<GraphHop>();
        var edges = new List<GraphEdge>();
        var edgeSeen = new HashSet<string>(StringComparer.Ordinal);
        bool truncated = false;
        var frontier = new List<string>();
        foreach (string seed in seeds)
        {
            if (distance.ContainsKey(seed) || graph.Node(seed) is not GraphNode node)
            {
                continue;
            }

            if (nodes.Count >= maxNodes)
            {
                truncated = true;
                break;
            }

            distance.Add(seed, 0);
            nodes.Add(new GraphHop(node, 0));
            frontier.Add(seed);
        }

        for (int hop = 1; hop <= hops && frontier.Count > 0; hop++)
        {
            var next = new List<string>();
            for (int start = 0; start < frontier.Count; start += ChunkNodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int end = Math.Min(frontier.Count, start + ChunkNodes);
                for (int i = start; i < end; i++)
                {
                    foreach ((GraphEdge edge, string other, _) in graph.EdgesOf(frontier[i], direction))
                    {
                        if (relations is not null && !relations.Contains(edge.Relation))
                        {
                            continue;
                        }

                        if (!distance.ContainsKey(other))
                        {
                            if (nodes.Count >= maxNodes)
                            {
                                truncated = true;
                                continue;
                            }

                            distance.Add(other, hop);
                            nodes.Add(new GraphHop(graph.Node(other)!, hop));
                            next.Add(other);
                        }

                        if (!edgeSeen.Contains(edge.Id!))
                        {
                            if (edges.Count >= maxEdges)
                            {
                                truncated = true;
                                continue;
                            }

                            edgeSeen.Add(edge.Id!);
                            edges.Add(edge);
                        }
                    }
                }
            }

            frontier = next;
        }

        return new GraphSubgraph(nodes, edges, seedHits, truncated);
    }
}
