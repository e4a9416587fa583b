using System.CommandLine;

namespace LodeDb.Cli.Commands.Graph;

/// <summary>
/// <c>lodedb graph add-node|add-edge|remove|get|list|neighbors|khop|search &lt;db&gt; ... [--space S]</c>:
/// the knowledge graph kept in a database folder (<c>&lt;db&gt;/graph</c>), or in one space of a
/// collection root. Every subcommand prints one JSON object on standard output.
/// </summary>
internal static class GraphCommand
{
    public static Command Create(CliContext context) => new("graph", "The knowledge graph of a database: add nodes and edges, traverse, search. Prints JSON.")
    {
        GraphWriteCommands.AddNode(context),
        GraphWriteCommands.AddEdge(context),
        GraphWriteCommands.Remove(context),
        GraphReadCommands.Get(context),
        GraphReadCommands.List(context),
        GraphReadCommands.Neighbors(context),
        GraphReadCommands.KHop(context),
        GraphReadCommands.Search(context),
    };

    /// <summary>The database argument every subcommand takes first.</summary>
    public static Argument<string> Database() => new("db") { Description = "Database folder (its graph is <db>/graph), or a collection root with --space." };

    public static Option<string> Space() => new("--space") { Description = "The space whose graph to use, when the path is a collection root.", HelpName = "NAME" };

    public static Option<string[]> Relations() => new("--relation")
    {
        Description = "Follow only edges of this relation (repeat for several).",
        HelpName = "NAME",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string> Direction()
    {
        var option = new Option<string>("--direction")
        {
            Description = "out (edges from the node), in (edges to it) or both (default).",
            HelpName = "out|in|both",
            DefaultValueFactory = _ => "both",
        };
        option.AcceptOnlyFromAmong("out", "in", "both");
        return option;
    }

    public static Option<int> MaxNodes() =>
        WholeNumberOption.Create("--max-nodes", null, $"Return at most this many nodes (default {LodeDb.Graph.LodeGraph.DefaultMaxNodes}); the JSON says \"truncated\": true when the limit cut the expansion.", LodeDb.Graph.LodeGraph.DefaultMaxNodes, 1, 1_000_000);
}
