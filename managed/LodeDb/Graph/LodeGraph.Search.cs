namespace LodeDb.Graph;

/// <summary>
/// Semantic search over the graph's entries: node searches see only node entries, edge searches
/// only edge entries. Vector mode embeds the query (an embedder graph) or takes a vector; lexical
/// ranks by BM25 over label + text (fact or relation for edges); hybrid fuses both by RRF.
/// </summary>
public sealed partial class LodeGraph
{
    /// <summary>
    /// The <paramref name="k"/> nodes best matching <paramref name="query"/> (among those whose
    /// properties match <paramref name="filter"/>), best first.
    /// </summary>
    /// <exception cref="InvalidOperationException">Vector or hybrid mode on a vector-only graph (use <see cref="SearchNodesByVector"/> or lexical mode), or lexical/hybrid without a lexical source.</exception>
    /// <remarks>Blocks until the embedder answers; prefer the Async form.</remarks>
    public IReadOnlyList<GraphNodeHit> SearchNodes(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => SearchNodesAsync(query, k, mode, filter, cancellationToken));

    /// <summary>As <see cref="SearchNodes"/>, awaiting the embedder.</summary>
    public async Task<IReadOnlyList<GraphNodeHit>> SearchNodesAsync(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        float[]? vector = await QueryVectorAsync(query, k, mode, nameof(SearchNodes), cancellationToken).ConfigureAwait(false);
        return _store.ReadStore(store => NodeHits(store, _store.Ranker.ByText(store, [query], vector, k, mode, filter, GraphLimits.IsNodeEntry)[0]));
    }

    /// <summary>The <paramref name="k"/> nodes whose entries are nearest to <paramref name="vector"/> (cosine), best first.</summary>
    public IReadOnlyList<GraphNodeHit> SearchNodesByVector(ReadOnlyMemory<float> vector, int k = 10, Filter? filter = null)
    {
        float[] normalized = QueryVector(vector, k);
        return _store.ReadStore(store => NodeHits(store, _store.Ranker.ByVector(store, normalized, 1, k, filter, GraphLimits.IsNodeEntry)[0]));
    }

    /// <summary>The <paramref name="k"/> edges best matching <paramref name="query"/> (fact text, else relation), best first.</summary>
    /// <exception cref="InvalidOperationException">The graph was opened without <see cref="GraphOptions.IndexEdges"/>, or as for <see cref="SearchNodes"/>.</exception>
    /// <remarks>Blocks until the embedder answers; prefer the Async form.</remarks>
    public IReadOnlyList<GraphEdgeHit> SearchEdges(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => SearchEdgesAsync(query, k, mode, filter, cancellationToken));

    /// <summary>As <see cref="SearchEdges"/>, awaiting the embedder.</summary>
    public async Task<IReadOnlyList<GraphEdgeHit>> SearchEdgesAsync(string query, int k = 10, SearchMode mode = SearchMode.Vector, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        RequireEdgeIndex();
        float[]? vector = await QueryVectorAsync(query, k, mode, nameof(SearchEdges), cancellationToken).ConfigureAwait(false);
        return _store.ReadStore(store => EdgeHits(store, _store.Ranker.ByText(store, [query], vector, k, mode, filter, GraphLimits.IsEdgeEntry)[0]));
    }

    /// <summary>The <paramref name="k"/> edges whose entries are nearest to <paramref name="vector"/>, best first.</summary>
    public IReadOnlyList<GraphEdgeHit> SearchEdgesByVector(ReadOnlyMemory<float> vector, int k = 10, Filter? filter = null)
    {
        RequireEdgeIndex();
        float[] normalized = QueryVector(vector, k);
        return _store.ReadStore(store => EdgeHits(store, _store.Ranker.ByVector(store, normalized, 1, k, filter, GraphLimits.IsEdgeEntry)[0]));
    }

    /// <summary>
    /// Seeds the <paramref name="k"/> nodes best matching <paramref name="query"/> (as
    /// <see cref="SearchNodes"/>; hybrid finds an exact label token such as a product code), then
    /// expands them <paramref name="hops"/> hops in both directions as <see cref="KHop"/> does, in
    /// one consistent read. Returns the nodes, the edges crossed and the seeds with their scores.
    /// </summary>
    /// <remarks>Blocks until the embedder answers; prefer the Async form.</remarks>
    public GraphSubgraph SearchSubgraph(string query, int k = 5, int hops = 1, SearchMode mode = SearchMode.Vector, int maxNodes = DefaultMaxNodes, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => SearchSubgraphAsync(query, k, hops, mode, maxNodes, cancellationToken));

    /// <summary>As <see cref="SearchSubgraph"/>, awaiting the embedder.</summary>
    public async Task<GraphSubgraph> SearchSubgraphAsync(string query, int k = 5, int hops = 1, SearchMode mode = SearchMode.Vector, int maxNodes = DefaultMaxNodes, CancellationToken cancellationToken = default)
    {
        CheckExpansion(hops, maxNodes);
        float[]? vector = await QueryVectorAsync(query, k, mode, nameof(SearchSubgraph), cancellationToken).ConfigureAwait(false);
        return _store.ReadStore(store => Subgraph(store, NodeHits(store, _store.Ranker.ByText(store, [query], vector, k, mode, null, GraphLimits.IsNodeEntry)[0]), hops, maxNodes, cancellationToken));
    }

    /// <summary>As <see cref="SearchSubgraph"/>, seeded by the nodes nearest to <paramref name="vector"/>.</summary>
    public GraphSubgraph SearchSubgraphByVector(ReadOnlyMemory<float> vector, int k = 5, int hops = 1, int maxNodes = DefaultMaxNodes, CancellationToken cancellationToken = default)
    {
        CheckExpansion(hops, maxNodes);
        float[] normalized = QueryVector(vector, k);
        return _store.ReadStore(store => Subgraph(store, NodeHits(store, _store.Ranker.ByVector(store, normalized, 1, k, null, GraphLimits.IsNodeEntry)[0]), hops, maxNodes, cancellationToken));
    }

    private static GraphSubgraph Subgraph(SlotStore store, GraphNodeHit[] seeds, int hops, int maxNodes, CancellationToken cancellationToken) =>
        GraphTraversal.Expand(LodeDatabase.GraphOf(store), seeds.Select(s => s.Node.Id), hops, null, GraphDirection.Both, maxNodes, seeds, cancellationToken);

    private static void CheckExpansion(int hops, int maxNodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hops);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNodes, 1);
    }

    /// <summary>Checks a text query for <paramref name="mode"/> and embeds it when the mode needs a vector (null for lexical).</summary>
    private async Task<float[]?> QueryVectorAsync(string query, int k, SearchMode mode, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown search mode.");
        }

        if (mode != SearchMode.Vector && !_context.Identity.HasLexical)
        {
            throw new InvalidOperationException($"{mode} {operation} needs a lexical source, but this graph's database was created with StoreText = false and IndexText = false. Use SearchMode.Vector.");
        }

        if (mode == SearchMode.Lexical)
        {
            return null;
        }

        if (!HasEmbedder)
        {
            throw new InvalidOperationException($"{mode} {operation} by text needs an embedder, but this graph is vector-only (caller vectors): search by vector ({operation}ByVector), or use SearchMode.Lexical.");
        }

        var embedders = _store.Embedders;
        return await TextIngest.EmbedAsync(embedders.RequireText($"{mode} {operation}"), [query], query: true, embedders.QueryText, _context.Identity, cancellationToken).ConfigureAwait(false);
    }

    private float[] QueryVector(ReadOnlyMemory<float> vector, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var normalized = new float[Dimension];
        VectorValidation.CopyNormalized(vector.Span, Dimension, normalized, 0, nameof(vector));
        return normalized;
    }

    private void RequireEdgeIndex()
    {
        if (!Options.IndexEdges)
        {
            throw new InvalidOperationException("Edges are not indexed: open the graph with GraphOptions.IndexEdges = true (and run Reindex once to index the edges already stored).");
        }
    }

    private static GraphNodeHit[] NodeHits(SlotStore store, IReadOnlyList<SearchHit> hits)
    {
        GraphTable graph = LodeDatabase.GraphOf(store);
        return hits.Select(hit => graph.Node(hit.Id[2..]) is GraphNode node ? new GraphNodeHit(node, hit.Score) : null).OfType<GraphNodeHit>().ToArray();
    }

    private static GraphEdgeHit[] EdgeHits(SlotStore store, IReadOnlyList<SearchHit> hits)
    {
        GraphTable graph = LodeDatabase.GraphOf(store);
        return hits.Select(hit => graph.Edge(hit.Id[2..]) is GraphEdge edge ? new GraphEdgeHit(edge, hit.Score) : null).OfType<GraphEdgeHit>().ToArray();
    }
}
