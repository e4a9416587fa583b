using System.ComponentModel;
using LodeDb.Cli.Commands.Graph;
using LodeDb.Graph;
using ModelContextProtocol.Server;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// The graph tools of <c>lodedb mcp</c>: <c>lodedb_graph_search</c> (subgraph search: seed nodes by
/// search, expand them) and <c>lodedb_graph_neighbors</c>, over the graph of the database (or of a
/// space). A graph is opened on first use and kept (read-only on a read-only server); a database
/// without a graph answers a tool error and no graph folder is created by a read. Dispose before
/// the <see cref="DatabaseTarget"/>.
/// </summary>
internal sealed class LodeMcpGraphTools(DatabaseTarget target, bool excludeText) : IDisposable
{
    /// <summary>Largest k and maxNodes a graph tool accepts.</summary>
    private const int MaxK = QueryCommand.MaxK;

    private const int MaxHops = 100;

    private readonly Dictionary<string, LodeGraph> _graphs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IReadOnlyList<McpServerTool> Create()
    {
        string spaceNote = target.IsCollection ? $" The database is a collection: pass space (one of: {string.Join(", ", target.SpaceNames)})." : "";
        return
        [
            McpServerTool.Create(Search, new McpServerToolCreateOptions
            {
                Name = "lodedb_graph_search",
                Description = $"Search the knowledge graph of the LodeDb database at {target.Path}: finds the k nodes best matching query (mode vector, lexical for exact tokens such as product codes, or hybrid; default hybrid when the graph has a lexical source), then expands them hops steps along edges in both directions. Returns seeds with scores, nodes with their hop distance, and the edges between them (facts, relations, properties).{spaceNote}",
                ReadOnly = true,
            }),
            McpServerTool.Create(Neighbors, new McpServerToolCreateOptions
            {
                Name = "lodedb_graph_neighbors",
                Description = $"The edges of one node of the knowledge graph at {target.Path}, each with the node at its other end: direction out, in or both (default), optionally only some relations.{spaceNote}",
                ReadOnly = true,
            }),
        ];
    }

    private ModelContextProtocol.Protocol.CallToolResult Search(
        [Description("What to search for.")] string query,
        [Description("Seed nodes found by the search (1..100000, default 5).")] int k = 5,
        [Description("Hops to expand from the seeds (0..100, default 1).")] int hops = 1,
        [Description("vector | lexical | hybrid (default: hybrid when the graph has a lexical source, else vector).")] string? mode = null,
        [Description("At most this many nodes (default 1000); truncated says when the limit cut the expansion.")] int maxNodes = LodeGraph.DefaultMaxNodes,
        [Description("Space of a collection root.")] string? space = null) => LodeMcpTools.Answer(() =>
    {
        Check("k", k, 1, MaxK);
        Check("hops", hops, 0, MaxHops);
        Check("maxNodes", maxNodes, 1, MaxK);
        (LodeDatabase db, LodeGraph graph) = Resolve(space);
        SearchMode searchMode = string.IsNullOrEmpty(mode) ? db.HasLexicalIndex ? SearchMode.Hybrid : SearchMode.Vector : GraphJson.Mode(mode);
        GraphSubgraph subgraph = graph.SearchSubgraph(query, k, hops, searchMode, maxNodes);
        return GraphJson.Subgraph(subgraph, !excludeText, searchMode.ToString().ToLowerInvariant());
    });

    private ModelContextProtocol.Protocol.CallToolResult Neighbors(
        [Description("Node id.")] string id,
        [Description("out | in | both (default both).")] string? direction = null,
        [Description("Follow only these relations.")] string[]? relations = null,
        [Description("Space of a collection root.")] string? space = null) => LodeMcpTools.Answer(() =>
    {
        (_, LodeGraph graph) = Resolve(space);
        if (!graph.ContainsNode(id))
        {
            throw new CliNotFoundException($"no node with id '{id}' in the graph.");
        }

        return GraphJson.Neighbors(id, graph.Neighbors(id, GraphJson.Direction(direction), relations is { Length: > 0 } ? relations : null), !excludeText);
    });

    private static void Check(string name, int value, int minimum, int maximum)
    {
        if (value < minimum || value > maximum)
        {
            throw new CliUsageException($"{name} must be between {minimum} and {maximum}, not {value}.");
        }
    }

    private (LodeDatabase Database, LodeGraph Graph) Resolve(string? space)
    {
        LodeDatabase db = target.Resolve(space);
        lock (_gate)
        {
            if (!_graphs.TryGetValue(db.Path, out LodeGraph? graph))
            {
                // A read must not create a graph folder: a database without one has no graph yet.
                if (!File.Exists(Path.Combine(db.Path, LodeGraph.FolderName, LodeDatabase.RootFileName)))
                {
                    throw new CliNotFoundException($"the database {db.Path} has no graph yet (add nodes with `lodedb graph add-node` or LodeGraph).");
                }

                graph = LodeGraph.Open(db);
                _graphs[db.Path] = graph;
            }

            return (db, graph);
        }
    }

    public void Dispose()
    {
        foreach (LodeGraph graph in _graphs.Values)
        {
            graph.Dispose();
        }
    }
}
