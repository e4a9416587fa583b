namespace LodeDb.Graph;

/// <summary>A node found by a search, with its score (as <see cref="SearchHit.Score"/>).</summary>
public sealed record GraphNodeHit(GraphNode Node, float Score);

/// <summary>An edge found by a search, with its score (as <see cref="SearchHit.Score"/>).</summary>
public sealed record GraphEdgeHit(GraphEdge Edge, float Score);

/// <summary>One edge of a node and the node at its other end; <see cref="Direction"/> is <see cref="GraphDirection.Out"/> when the asked node is the edge's source.</summary>
public sealed record GraphNeighbor(GraphEdge Edge, GraphNode Node, GraphDirection Direction);

/// <summary>A node reached by an expansion and its distance in hops from the nearest seed (0 for a seed).</summary>
public sealed record GraphHop(GraphNode Node, int Distance);
