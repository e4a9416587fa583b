using System.CommandLine;
using System.Reflection;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// <c>lodedb mcp &lt;path&gt; [--read-only] [--exclude-text] [--onnx-model F --model-name N] [--models-dir D]</c>:
/// a Model Context Protocol server over stdio for one database or collection root, until the
/// client closes standard input. Standard output carries only the protocol; messages go to
/// standard error. Subcommands <c>install</c> and <c>uninstall</c> edit the clients' config files.
/// </summary>
internal static class McpCommand
{
    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("path") { Description = "Database folder or collection root." };
        var readOnly = new Option<bool>("--read-only") { Description = "Open without the writer lock; lodedb_add and lodedb_remove are refused." };
        var excludeText = new Option<bool>("--exclude-text") { Description = "Never return stored text (search, get), even when asked." };
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("mcp", "Serve a database to AI assistants over the Model Context Protocol (stdio).")
        {
            database, readOnly, excludeText,
            McpInstallCommand.Create(context, install: true),
            McpInstallCommand.Create(context, install: false),
        };
        models.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            string path = DatabaseOpener.RequireFolder(parsed.GetValue(database)!);
            IEmbeddingGenerator<string, Embedding<float>>? embedder = models.LoadEmbedder(parsed);
            using DatabaseTarget target = DatabaseTarget.Open(path, parsed.GetValue(readOnly), embedder, parsed.GetValue(models.ModelsDir));
            var tools = new McpServerPrimitiveCollection<McpServerTool>();
            // Graph handles close before the databases they belong to.
            using var graphTools = new LodeMcpGraphTools(target, parsed.GetValue(excludeText));
            foreach (McpServerTool tool in new LodeMcpTools(target, parsed.GetValue(excludeText)).Create().Concat(graphTools.Create()))
            {
                tools.Add(new KnownArgumentsTool(tool));
            }

            var options = new McpServerOptions
            {
                ServerInfo = new Implementation { Name = "lodedb", Version = Version() },
                ServerInstructions = $"LodeDb database at {target.Path}: search it with lodedb_search before answering questions about its documents, and lodedb_graph_search for facts about entities and their relations.",
                ToolCollection = tools,
            };
            context.Error.WriteLine($"lodedb mcp: serving {target.Path}{(target.ReadOnly ? " (read-only)" : "")} on stdio.");
            await using McpServer server = McpServer.Create(new StdioServerTransport("lodedb"), options);
            await server.RunAsync(cancellation);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Version() =>
        typeof(McpCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
