namespace LodeDb.Cli.Commands.Mcp;

/// <summary>One server entry of an MCP client's config: its name and the command line that starts <c>lodedb mcp</c>.</summary>
internal sealed record McpServerEntry(string Name, string Command, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// The entry that runs this very <c>lodedb</c>: the tool's executable, or <c>dotnet LodeDb.Cli.dll</c>
    /// when it runs through the dotnet host, with absolute paths so the client's working folder does not matter.
    /// </summary>
    public static McpServerEntry ForThisTool(string name, string databasePath, IEnumerable<string> flags)
    {
        string process = Environment.ProcessPath ?? "lodedb";
        List<string> arguments = ["mcp", Path.GetFullPath(databasePath), .. flags];
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            arguments.Insert(0, typeof(McpServerEntry).Assembly.Location);
        }

        return new McpServerEntry(name, process, arguments);
    }
}
