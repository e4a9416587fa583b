using System.CommandLine;
using LodeDb.Cli.Output;
using LodeDb.Graph;

namespace LodeDb.Cli.Commands.Graph;

/// <summary>
/// <c>lodedb graph get</c>, <c>list</c>, <c>neighbors</c>, <c>khop</c> and <c>search</c>: read-only (no writer
/// lock; a running writer is not disturbed), one JSON object each, in the graph's deterministic
/// order. Structure reads load no model; <c>search</c> loads the database's model.
/// </summary>
internal static class GraphReadCommands
{
    /// <summary>Largest --k of a search (as <c>lodedb query</c>).</summary>
    private const int MaxK = QueryCommand.MaxK;

    /// <summary>Deepest expansion: far beyond any useful neighbourhood, and --max-nodes bounds the result anyway.</summary>
    private const int MaxHops = 100;

    /// <summary><c>lodedb graph get &lt;db&gt; &lt;id&gt;... [--edges]</c>: nodes (or edges) by id; a missing id exits 3 after the found ones are printed.</summary>
    public static Command Get(CliContext context)
    {
        var database = GraphCommand.Database();
        var ids = new Argument<string[]>("id") { Description = "Node ids, or edge ids with --edges.", Arity = ArgumentArity.OneOrMore };
        OptionLikeValues.Refuse(ids);
        var edges = new Option<bool>("--edges") { Description = "The ids are edge ids." };
        var space = GraphCommand.Space();
        var command = new Command("get", "Show nodes (or edges) by id.") { database, ids, edges, space };
        command.SetAction(parsed =>
        {
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Read, new ModelOptions(false), parsed);
            bool byEdge = parsed.GetValue(edges);
            var missing = new List<string>();
            context.Out.WriteLine(JsonLine.Build(json =>
            {
                json.WriteStartObject();
                json.WriteStartArray(byEdge ? "edges" : "nodes");
                foreach (string id in parsed.GetValue(ids)!)
                {
                    if (byEdge && target.Graph.GetEdge(id) is GraphEdge edge)
                    {
                        GraphJson.WriteEdge(json, edge, withText: true);
                    }
                    else if (!byEdge && target.Graph.GetNode(id) is GraphNode node)
                    {
                        GraphJson.WriteNode(json, node, withText: true);
                    }
                    else
                    {
                        missing.Add(id);
                    }
                }

                json.WriteEndArray();
                JsonLine.WriteStrings(json, "notFound", missing);
                json.WriteEndObject();
            }));
            if (missing.Count > 0)
            {
                throw new CliNotFoundException($"no {(byEdge ? "edge" : "node")} with id {string.Join(", ", missing.Select(id => $"'{id}'"))} in the graph of {parsed.GetValue(database)}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodedb graph list &lt;db&gt; [--type T | --edges [--relation R]] [--skip N] [--limit N]</c>: nodes (or edges) in insertion order, a page at a time.</summary>
    public static Command List(CliContext context)
    {
        var database = GraphCommand.Database();
        var edges = new Option<bool>("--edges") { Description = "List edges instead of nodes." };
        var type = new Option<string>("--type") { Description = "Only nodes of this type.", HelpName = "TYPE" };
        var relation = new Option<string>("--relation") { Description = "Only edges of this relation (with --edges).", HelpName = "NAME" };
        Option<int> skip = WholeNumberOption.Create("--skip", null, "Skip this many first (default 0).", 0, 0);
        Option<int> limit = WholeNumberOption.Create("--limit", null, "At most this many (default 100, at most 10000).", 100, 1, 10_000);
        var space = GraphCommand.Space();
        var command = new Command("list", "List nodes (or edges) in insertion order, a page at a time.") { database, edges, type, relation, skip, limit, space };
        command.Validators.Add(result =>
        {
            if (result.GetValue(edges) ? result.GetValue(type) is not null : result.GetValue(relation) is not null)
            {
                result.AddError("--type goes with nodes, --relation with --edges.");
            }
        });
        command.SetAction(parsed =>
        {
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Read, new ModelOptions(false), parsed);
            LodeGraph graph = target.Graph;
            int from = parsed.GetValue(skip), take = parsed.GetValue(limit);
            context.Out.WriteLine(JsonLine.Build(json =>
            {
                json.WriteStartObject();
                if (parsed.GetValue(edges))
                {
                    json.WriteStartArray("edges");
                    foreach (GraphEdge edge in graph.ListEdges(parsed.GetValue(relation), from, take))
                    {
                        GraphJson.WriteEdge(json, edge, withText: true);
                    }
                }
                else
                {
                    json.WriteStartArray("nodes");
                    foreach (GraphNode node in graph.ListNodes(parsed.GetValue(type), from, take))
                    {
                        GraphJson.WriteNode(json, node, withText: true);
                    }
                }

                json.WriteEndArray();
                json.WriteNumber("nodeCount", graph.NodeCount);
                json.WriteNumber("edgeCount", graph.EdgeCount);
                json.WriteEndObject();
            }));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodedb graph neighbors &lt;db&gt; &lt;id&gt; [--direction out|in|both] [--relation R]...</c>.</summary>
    public static Command Neighbors(CliContext context)
    {
        var database = GraphCommand.Database();
        var id = new Argument<string>("id") { Description = "Node id." };
        var direction = GraphCommand.Direction();
        var relations = GraphCommand.Relations();
        var space = GraphCommand.Space();
        var command = new Command("neighbors", "The edges of a node with the node at each other end, in insertion order.") { database, id, direction, relations, space };
        command.SetAction(parsed =>
        {
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Read, new ModelOptions(false), parsed);
            string node = parsed.GetValue(id)!;
            RequireNode(target.Graph, node, parsed.GetValue(database)!);
            IReadOnlyList<GraphNeighbor> neighbors = target.Graph.Neighbors(node, GraphJson.Direction(parsed.GetValue(direction)), RelationsOf(parsed.GetValue(relations)));
            context.Out.WriteLine(GraphJson.Neighbors(node, neighbors, withText: true));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodedb graph khop &lt;db&gt; &lt;id&gt;... [--k N] [--direction] [--relation R]... [--max-nodes N]</c>.</summary>
    public static Command KHop(CliContext context)
    {
        var database = GraphCommand.Database();
        var ids = new Argument<string[]>("id") { Description = "Seed node ids (unknown ones are skipped; at least one must exist).", Arity = ArgumentArity.OneOrMore };
        OptionLikeValues.Refuse(ids);
        Option<int> k = WholeNumberOption.Create("--k", "-k", $"Hops to expand (default 2, at most {MaxHops}).", 2, 0, MaxHops);
        var direction = GraphCommand.Direction();
        var relations = GraphCommand.Relations();
        Option<int> maxNodes = GraphCommand.MaxNodes();
        var space = GraphCommand.Space();
        var command = new Command("khop", "Breadth-first expansion from seed nodes: nodes with their hop distance, and the edges crossed.") { database, ids, k, direction, relations, maxNodes, space };
        command.SetAction(parsed =>
        {
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Read, new ModelOptions(false), parsed);
            string[] seeds = parsed.GetValue(ids)!;
            if (!seeds.Any(target.Graph.ContainsNode))
            {
                throw new CliNotFoundException($"none of the seed nodes {string.Join(", ", seeds.Select(s => $"'{s}'"))} is in the graph of {parsed.GetValue(database)}.");
            }

            GraphSubgraph subgraph = target.Graph.KHop(seeds, parsed.GetValue(k), RelationsOf(parsed.GetValue(relations)), parsed.GetValue(maxNodes), GraphJson.Direction(parsed.GetValue(direction)));
            context.Out.WriteLine(GraphJson.Subgraph(subgraph, withText: true));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodedb graph search &lt;db&gt; &lt;query&gt; [--k N] [--hops N] [--mode vector|lexical|hybrid] [--max-nodes N]</c>, or <c>--vector JSON</c>.</summary>
    public static Command Search(CliContext context)
    {
        var database = GraphCommand.Database();
        var query = new Argument<string?>("query") { Description = "What to search for (omit with --vector).", Arity = ArgumentArity.ZeroOrOne };
        Option<int> k = WholeNumberOption.Create("--k", "-k", $"Seed nodes found by the search (default 5, at most {MaxK}).", 5, 1, MaxK);
        Option<int> hops = WholeNumberOption.Create("--hops", null, $"Hops to expand from the seeds, both directions (default 1, at most {MaxHops}).", 1, 0, MaxHops);
        var mode = new Option<string>("--mode")
        {
            Description = "How seeds are found: vector (semantic, default), lexical (BM25 over exact tokens of label and text) or hybrid (both, fused by rank; finds a product code).",
            HelpName = "vector|lexical|hybrid",
            DefaultValueFactory = _ => "vector",
        };
        mode.AcceptOnlyFromAmong("vector", "lexical", "hybrid");
        var vector = new Option<string>("--vector") { Description = "Seed by the nodes nearest to this vector (a JSON array; a vector-only graph) instead of a text query.", HelpName = "JSON" };
        Option<int> maxNodes = GraphCommand.MaxNodes();
        var space = GraphCommand.Space();
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("search", "Subgraph search: seed nodes by search, then expand them; prints nodes, edges and seed scores.") { database, query, k, hops, mode, vector, maxNodes, space };
        models.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(database) is not null && string.IsNullOrEmpty(result.GetValue(query)) == (result.GetValue(vector) is null))
            {
                result.AddError("Give either a query text or --vector JSON (exactly one).");
            }
        });
        command.SetAction(parsed =>
        {
            bool hasVector = parsed.GetValue(vector) is not null;
            float[] byVector = GraphJson.Vector(parsed.GetValue(vector), "--vector");
            SearchMode searchMode = GraphJson.Mode(parsed.GetValue(mode));
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Search, models, parsed);
            GraphSubgraph subgraph = hasVector
                ? target.Graph.SearchSubgraphByVector(byVector, parsed.GetValue(k), parsed.GetValue(hops), parsed.GetValue(maxNodes))
                : target.Graph.SearchSubgraph(parsed.GetValue(query)!, parsed.GetValue(k), parsed.GetValue(hops), searchMode, parsed.GetValue(maxNodes));
            context.Out.WriteLine(GraphJson.Subgraph(subgraph, withText: true, hasVector ? "vector" : parsed.GetValue(mode)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void RequireNode(LodeGraph graph, string id, string database)
    {
        if (!graph.ContainsNode(id))
        {
            throw new CliNotFoundException($"no node with id '{id}' in the graph of {database}.");
        }
    }

    private static string[]? RelationsOf(string[]? relations) => relations is { Length: > 0 } ? relations : null;
}
