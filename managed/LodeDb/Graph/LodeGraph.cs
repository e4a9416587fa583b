namespace LodeDb.Graph;

/// <summary>
/// A knowledge graph of nodes and directed edges with a semantic index, kept in its own database
/// folder (<c>&lt;database folder&gt;/graph</c> when opened from a database or a collection space).
/// It has its own writer lock, log, generations and root, so every guarantee of a
/// <see cref="LodeDatabase"/> holds: one call is one log record (all or nothing, crash-safe),
/// the folder is pinned to the parent's identity (model, dimension, bits, seed, StoreText),
/// read-only handles refuse writes, and with <c>StoreText = false</c> no node text or edge fact
/// reaches the disk. Safe to share across threads (searches concurrently, writes one at a time).
/// Dispose it to checkpoint and release the folder.
/// </summary>
public sealed partial class LodeGraph : IDisposable
{
    /// <summary>The name of the graph's folder inside a database folder.</summary>
    public const string FolderName = "graph";

    /// <summary>Default <c>maxNodes</c> of an expansion.</summary>
    public const int DefaultMaxNodes = 1000;

    /// <summary>An expansion returns at most this many edges per returned node (the rest are cut, and the result says so).</summary>
    public const int MaxEdgesPerNode = 16;

    private readonly LodeDatabase _store;
    private readonly GraphContext _context;

    private LodeGraph(LodeDatabase store, GraphOptions options)
    {
        _store = store;
        Options = options;
        _context = new GraphContext(store, store.Identity, store.Embedders.Embedder is not null, options.IndexEdges);
    }

    /// <summary>
    /// Opens (creating when absent) the graph of <paramref name="database"/>, in
    /// <c>&lt;database folder&gt;/graph</c>: a store with the database's model (the same custom
    /// embedder instance, or its preset), dimension, bit width, seed, StoreText and IndexText,
    /// read-only when the database handle is. Works for a collection space too
    /// (<c>LodeGraph.Open(collection.Space(name))</c>). The graph embeds with the database's
    /// embedder instance (a preset's model is loaded once), so dispose the graph before the database.
    /// </summary>
    /// <exception cref="IdentityMismatchException">The graph folder was created for another identity.</exception>
    /// <exception cref="DatabaseNotFoundException">The database is read-only and has no graph yet.</exception>
    public static LodeGraph Open(LodeDatabase database) => Open(database, null);

    /// <summary>As <see cref="Open(LodeDatabase)"/>, with graph options.</summary>
    public static LodeGraph Open(LodeDatabase database, GraphOptions? graphOptions)
    {
        ArgumentNullException.ThrowIfNull(database);
        return OpenStore(System.IO.Path.Combine(database.Path, FolderName), GraphStoreOptions.From(database), graphOptions);
    }

    /// <summary>
    /// Opens (creating when absent, as <see cref="LodeDatabase.Open"/> does) a graph alone in
    /// <paramref name="path"/>: vector-only (<see cref="LodeDbOptions.VectorDim"/>: nodes carry caller
    /// vectors), or with an embedder or preset (node label and text are embedded).
    /// </summary>
    /// <exception cref="FolderKindMismatchException">The folder holds an index or a collection, not a graph.</exception>
    public static LodeGraph Open(string path, LodeDbOptions options) => Open(path, options, null);

    /// <summary>As <see cref="Open(string, LodeDbOptions)"/>, with graph options.</summary>
    public static LodeGraph Open(string path, LodeDbOptions options, GraphOptions? graphOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        return OpenStore(path, options, graphOptions);
    }

    private static LodeGraph OpenStore(string path, LodeDbOptions options, GraphOptions? graphOptions)
    {
        LodeDatabase store = LodeDatabase.Open(path, options with { GraphStore = true });
        return new LodeGraph(store, graphOptions ?? new GraphOptions());
    }

    /// <summary>The graph's folder.</summary>
    public string Path => _store.Path;

    /// <summary>The options this handle was opened with.</summary>
    public GraphOptions Options { get; }

    /// <summary>True when this handle was opened read-only.</summary>
    public bool IsReadOnly => _store.IsReadOnly;

    /// <summary>Whether node text (and edge facts) are embedded by the database's embedder; false for a vector-only graph (caller vectors).</summary>
    public bool HasEmbedder => _context.HasEmbedder;

    /// <summary>Whether node text and edge facts are kept (the database's StoreText).</summary>
    public bool StoresText => _context.Identity.StoreText;

    /// <summary>Vector dimension of the semantic index.</summary>
    public int Dimension => _context.Identity.Dim;

    /// <summary>Nodes in the graph.</summary>
    public int NodeCount => _store.ReadStore(store => LodeDatabase.GraphOf(store).NodeCount);

    /// <summary>Edges in the graph.</summary>
    public int EdgeCount => _store.ReadStore(store => LodeDatabase.GraphOf(store).EdgeCount);

    /// <summary>Semantic entries (node entries, and edge entries when edges are indexed).</summary>
    internal long EntryCount => _store.ReadStore(store => (long)store.Rows.LiveCount);

    /// <summary>True when the entry with this id exists (tests: "n:" + node id, "e:" + edge id).</summary>
    internal bool HasEntry(string entryId) => _store.ReadStore(store => store.Rows.TryGetSlot(entryId, out _));

    /// <summary>The node with this id, or null.</summary>
    public GraphNode? GetNode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _store.ReadStore(store => LodeDatabase.GraphOf(store).Node(id));
    }

    /// <summary>The edge with this id, or null.</summary>
    public GraphEdge? GetEdge(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _store.ReadStore(store => LodeDatabase.GraphOf(store).Edge(id));
    }

    /// <summary>True when a node with this id exists.</summary>
    public bool ContainsNode(string id) => GetNode(id) is not null;

    /// <summary>Nodes in insertion order (a replaced node keeps its place), optionally of one type, skipping <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    public IReadOnlyList<GraphNode> ListNodes(string? type = null, int skip = 0, int take = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        return _store.ReadStore(store => LodeDatabase.GraphOf(store).Nodes().Where(n => type is null || n.Type == type).Skip(skip).Take(take).ToArray());
    }

    /// <summary>Edges in insertion order (a replaced edge moves to the end), optionally of one relation, skipping <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    public IReadOnlyList<GraphEdge> ListEdges(string? relation = null, int skip = 0, int take = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        return _store.ReadStore(store => LodeDatabase.GraphOf(store).Edges().Where(e => relation is null || e.Relation == relation).Skip(skip).Take(take).ToArray());
    }

    /// <summary>Checkpoints: folds the graph's log into a new generation (its <c>.graph</c> file included).</summary>
    public void Persist() => _store.Persist();

    /// <summary>Checkpoints (a writer) and releases the folder.</summary>
    public void Dispose() => _store.Dispose();
}
