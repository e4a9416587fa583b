using System.CommandLine;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// <c>lodedb mcp install &lt;client&gt; &lt;path&gt; [--name N] [--read-only] [--exclude-text] [--config FILE] [--dry-run]</c>
/// (or <c>--all</c> instead of a client) and <c>lodedb mcp uninstall &lt;client&gt; [--name N]</c>:
/// writes or removes the server entry in the client's config file in place, keeping every other
/// key and server; prints what it wrote. A malformed config is an error and nothing is written;
/// a write is a temp file and a rename.
/// </summary>
internal static class McpInstallCommand
{
    public static Command Create(CliContext context, bool install)
    {
        var client = new Argument<string?>("client")
        {
            Description = $"{string.Join(" | ", McpClients.Names)} (omit with --all).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        client.AcceptOnlyFromAmong(McpClients.Names);
        var database = new Argument<string>("path") { Description = "Database folder or collection root (made absolute)." };
        var all = new Option<bool>("--all") { Description = $"Every known client ({string.Join(", ", McpClients.Names)})." };
        var name = new Option<string>("--name") { Description = "Server name in the config (default lodedb).", DefaultValueFactory = _ => "lodedb", HelpName = "NAME" };
        var config = new Option<string>("--config") { Description = "Edit this config file instead of the client's usual one.", HelpName = "FILE" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be written; write nothing." };
        var readOnly = new Option<bool>("--read-only") { Description = "The server refuses writes (lodedb mcp --read-only)." };
        var excludeText = new Option<bool>("--exclude-text") { Description = "The server never returns stored text (lodedb mcp --exclude-text)." };
        var command = install
            ? new Command("install", "Add or update the lodedb server entry in an MCP client's config file.") { client, database, all, name, config, dryRun, readOnly, excludeText }
            : new Command("uninstall", "Remove the lodedb server entry from an MCP client's config file.") { client, all, name, config, dryRun };
        command.Validators.Add(result =>
        {
            bool hasClient = result.GetValue(client) is not null;
            if (hasClient == result.GetValue(all))
            {
                result.AddError("Give a client or --all (exactly one).");
            }
            else if (result.GetValue(all) && result.GetValue(config) is not null)
            {
                result.AddError("--config names one file; it does not go with --all.");
            }
        });
        command.SetAction(parsed =>
        {
            string[] clients = parsed.GetValue(all) ? McpClients.Names : [parsed.GetValue(client)!];
            string serverName = parsed.GetValue(name)!;
            McpServerEntry? entry = null;
            if (install)
            {
                string path = DatabaseOpener.RequireFolder(parsed.GetValue(database)!);
                string[] flags = [.. parsed.GetValue(readOnly) ? ["--read-only"] : Array.Empty<string>(), .. parsed.GetValue(excludeText) ? ["--exclude-text"] : Array.Empty<string>()];
                entry = McpServerEntry.ForThisTool(serverName, path, flags);
            }

            // Every file is edited in memory first, so a malformed one stops the run before any write.
            var edits = new List<(string Client, string File, string? Text)>();
            foreach (string one in clients)
            {
                string file = Path.GetFullPath(parsed.GetValue(config) ?? McpClients.ConfigPath(one));
                if (parsed.GetValue(all) && !Directory.Exists(Path.GetDirectoryName(file)))
                {
                    // --all edits the clients that are set up here, it does not plant configs for others.
                    context.Out.WriteLine($"{one}: skipped, no {Path.GetDirectoryName(file)} (client not set up).");
                    continue;
                }

                string? existing = File.Exists(file) ? File.ReadAllText(file) : null;
                string? edited = (install, McpClients.IsToml(one)) switch
                {
                    (true, true) => TomlClientConfig.Install(file, existing, entry!),
                    (true, false) => JsonClientConfig.Install(file, existing, entry!),
                    (false, true) => TomlClientConfig.Uninstall(file, existing, serverName),
                    (false, false) => JsonClientConfig.Uninstall(file, existing, serverName),
                };
                edits.Add((one, file, edited));
            }

            bool dry = parsed.GetValue(dryRun);
            foreach ((string one, string file, string? text) in edits)
            {
                if (text is null)
                {
                    context.Out.WriteLine($"{one}: {file} has no server '{serverName}'; nothing to remove.");
                    continue;
                }

                if (!dry)
                {
                    AtomicFile.WriteAllText(file, text);
                }

                string verb = dry ? "would write" : "wrote";
                context.Out.WriteLine(install
                    ? $"{one}: {verb} server '{serverName}' to {file}: {entry!.Command} {string.Join(' ', entry.Arguments)}"
                    : $"{one}: {verb} {file} without server '{serverName}'.");
            }

            if (dry)
            {
                context.Out.WriteLine("Dry run: nothing was written.");
            }
            else if (install)
            {
                context.Out.WriteLine("Restart the client to load the server.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
