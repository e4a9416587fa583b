using System.CommandLine;
using LodeDb.Cli.Output;
using LodeDb.Graph;

namespace LodeDb.Cli.Commands.Graph;

/// <summary>
/// <c>lodedb graph add-node</c>, <c>add-edge</c> and <c>remove</c>: one call, one atomic commit
/// in the graph's log, through the writer lock. Each prints one JSON object with the ids and the
/// graph's counts afterwards.
/// </summary>
internal static class GraphWriteCommands
{
    /// <summary><c>lodedb graph add-node &lt;db&gt; &lt;id&gt; &lt;label&gt; [--type T] [--text TEXT] [--properties JSON] [--vector JSON]</c>.</summary>
    public static Command AddNode(CliContext context)
    {
        var database = GraphCommand.Database();
        var id = new Argument<string>("id") { Description = "Node id (an existing node with this id is replaced; its edges stay)." };
        var label = new Argument<string>("label") { Description = "The node's name, always stored and embedded (with --text)." };
        var type = new Option<string>("--type") { Description = "The node's type, e.g. person, company, product.", HelpName = "TYPE" };
        var text = new Option<string>("--text") { Description = "Text embedded after the label (stored only when the database stores text).", HelpName = "TEXT" };
        var properties = Properties();
        var vector = new Option<string>("--vector") { Description = "The node's vector as a JSON array (required on a vector-only database; replaces the embedding otherwise).", HelpName = "JSON" };
        var space = GraphCommand.Space();
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("add-node", "Add a node, or replace the node with this id.") { database, id, label, type, text, properties, vector, space };
        models.AddTo(command);
        command.SetAction(parsed =>
        {
            var node = new GraphNode(parsed.GetValue(id)!, parsed.GetValue(label)!)
            {
                Type = parsed.GetValue(type),
                Text = parsed.GetValue(text),
                Properties = GraphJson.Properties(parsed.GetValue(properties), "--properties"),
                Vector = GraphJson.Vector(parsed.GetValue(vector), "--vector"),
            };
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Write, models, parsed);
            string added = target.Graph.AddNode(node);
            context.Out.WriteLine(Counts(target.Graph, added));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodedb graph add-edge &lt;db&gt; &lt;source&gt; &lt;relation&gt; &lt;target&gt; [--id ID] [--fact TEXT] [--properties JSON] [--index-edges]</c>.</summary>
    public static Command AddEdge(CliContext context)
    {
        var database = GraphCommand.Database();
        var source = new Argument<string>("source") { Description = "Id of the node the edge starts at (it must exist)." };
        var relation = new Argument<string>("relation") { Description = "The relation, e.g. works_at." };
        var targetNode = new Argument<string>("target") { Description = "Id of the node the edge points to (it must exist)." };
        var id = new Option<string>("--id") { Description = "Edge id (default: generated; an existing edge with this id is replaced).", HelpName = "ID" };
        var fact = new Option<string>("--fact") { Description = "Fact text, e.g. \"Alice has worked at Acme since 2019\" (stored only when the database stores text).", HelpName = "TEXT" };
        var properties = Properties();
        var indexEdges = new Option<bool>("--index-edges") { Description = "Give the edge a semantic entry (its fact, else its relation, embedded), as a library graph opened with GraphOptions.IndexEdges does." };
        var space = GraphCommand.Space();
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("add-edge", "Add a directed edge source -relation-> target between existing nodes.") { database, source, relation, targetNode, id, fact, properties, indexEdges, space };
        models.AddTo(command);
        command.SetAction(parsed =>
        {
            var edge = new GraphEdge(parsed.GetValue(source)!, parsed.GetValue(relation)!, parsed.GetValue(targetNode)!)
            {
                Id = parsed.GetValue(id),
                Fact = parsed.GetValue(fact),
                Properties = GraphJson.Properties(parsed.GetValue(properties), "--properties"),
            };
            var options = new GraphOptions { IndexEdges = parsed.GetValue(indexEdges) };
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Write, models, parsed, options);
            string added = target.Graph.AddEdge(edge);
            context.Out.WriteLine(Counts(target.Graph, added));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>lodedb graph remove &lt;db&gt; &lt;id&gt;... [--edges]</c>: nodes (with every edge joining them), or edges.</summary>
    public static Command Remove(CliContext context)
    {
        var database = GraphCommand.Database();
        var ids = new Argument<string[]>("id") { Description = "Node ids (each node's edges go with it), or edge ids with --edges.", Arity = ArgumentArity.OneOrMore };
        OptionLikeValues.Refuse(ids);
        var edges = new Option<bool>("--edges") { Description = "The ids are edge ids." };
        var space = GraphCommand.Space();
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("remove", "Remove nodes (and every edge joining them) or edges, in one commit.") { database, ids, edges, space };
        models.AddTo(command);
        command.SetAction(parsed =>
        {
            string[] targets = parsed.GetValue(ids)!;
            using GraphTarget target = GraphTarget.Open(parsed.GetValue(database)!, parsed.GetValue(space), GraphTarget.Access.Write, models, parsed);
            LodeGraph graph = target.Graph;
            bool byEdge = parsed.GetValue(edges);
            string[] existing = [.. targets.Where(one => byEdge ? graph.GetEdge(one) is not null : graph.ContainsNode(one)).Distinct(StringComparer.Ordinal)];
            int edgesBefore = graph.EdgeCount;
            _ = byEdge ? graph.RemoveEdges(targets) : graph.RemoveNodes(targets);
            context.Out.WriteLine(JsonLine.Build(json =>
            {
                json.WriteStartObject();
                JsonLine.WriteStrings(json, "removed", existing);
                JsonLine.WriteStrings(json, "notFound", targets.Where(one => !existing.Contains(one, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal));
                json.WriteNumber("edgesRemoved", edgesBefore - graph.EdgeCount);
                json.WriteNumber("nodes", graph.NodeCount);
                json.WriteNumber("edges", graph.EdgeCount);
                json.WriteEndObject();
            }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string> Properties() =>
        new("--properties") { Description = """Properties as a JSON object, e.g. '{"since": 2019, "tags": ["a"]}'.""", HelpName = "JSON" };

    /// <summary><c>{id, nodes, edges}</c>: what was added and the graph's counts afterwards.</summary>
    private static string Counts(LodeGraph graph, string id) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteNumber("nodes", graph.NodeCount);
        json.WriteNumber("edges", graph.EdgeCount);
        json.WriteEndObject();
    });
}
