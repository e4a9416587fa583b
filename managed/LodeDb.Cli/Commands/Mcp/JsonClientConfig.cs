using System.Text.Json;
using System.Text.Json.Nodes;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// Edits a JSON MCP client config (Claude Desktop, Cursor): <c>{"mcpServers": {"name": {"command": ..., "args": [...]}}}</c>.
/// Every other key and server is kept as it was, in its order; only the named entry changes.
/// </summary>
internal static class JsonClientConfig
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The new text of the config with <paramref name="entry"/> set (added or replaced).</summary>
    /// <exception cref="InvalidDataException">The existing text is not a JSON object, or its mcpServers is not one.</exception>
    public static string Install(string path, string? existing, McpServerEntry entry)
    {
        JsonObject root = Parse(path, existing);
        JsonObject servers = Servers(path, root, create: true)!;
        var args = new JsonArray();
        foreach (string argument in entry.Arguments)
        {
            args.Add(argument);
        }

        if (servers[entry.Name] is JsonObject old)
        {
            // Keys of the entry this tool does not write (env, disabled...) stay.
            old["command"] = entry.Command;
            old["args"] = args;
        }
        else
        {
            servers[entry.Name] = new JsonObject { ["command"] = entry.Command, ["args"] = args };
        }

        return root.ToJsonString(WriteOptions) + "\n";
    }

    /// <summary>The new text without the entry <paramref name="name"/>, or null when there was none.</summary>
    public static string? Uninstall(string path, string? existing, string name)
    {
        if (existing is null)
        {
            return null;
        }

        JsonObject root = Parse(path, existing);
        if (Servers(path, root, create: false) is not JsonObject servers || !servers.Remove(name))
        {
            return null;
        }

        return root.ToJsonString(WriteOptions) + "\n";
    }

    private static JsonObject Parse(string path, string? existing)
    {
        if (string.IsNullOrWhiteSpace(existing))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(existing, documentOptions: ReadOptions) as JsonObject
                ?? throw new InvalidDataException($"{path} is not a JSON object; nothing was written. Fix or move the file and run again.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON ({e.Message}); nothing was written. Fix or move the file and run again.");
        }
    }

    private static JsonObject? Servers(string path, JsonObject root, bool create)
    {
        switch (root["mcpServers"])
        {
            case JsonObject servers:
                return servers;
            case null when create:
                var added = new JsonObject();
                root["mcpServers"] = added;
                return added;
            case null:
                return null;
            default:
                throw new InvalidDataException($"{path}: \"mcpServers\" is not an object; nothing was written. Fix the file and run again.");
        }
    }
}
