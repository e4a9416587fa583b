namespace LodeDb.Graph;

/// <summary>
/// The result of <see cref="LodeGraph.KHop"/> or <see cref="LodeGraph.SearchSubgraph"/>: the nodes
/// reached (by hop, then in discovery order), the edges crossed between them (in the order they
/// were crossed), the seeds a search started from with their scores, and whether a limit cut the
/// expansion short.
/// </summary>
public sealed record GraphSubgraph(IReadOnlyList<GraphHop> Nodes, IReadOnlyList<GraphEdge> Edges, IReadOnlyList<GraphNodeHit> Seeds, bool Truncated);
