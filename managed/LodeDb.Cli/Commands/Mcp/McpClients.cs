namespace LodeDb.Cli.Commands.Mcp;

/// <summary>The MCP clients whose config files <c>lodedb mcp install</c> edits, and where those files are on each OS (docs/mcp.md).</summary>
internal static class McpClients
{
    /// <summary>Client names, in the order <c>--all</c> visits them.</summary>
    public static readonly string[] Names = ["claude", "cursor", "cursor-global", "codex"];

    /// <summary>True for the clients whose config is TOML.</summary>
    public static bool IsToml(string client) => client == "codex";

    /// <summary>The config file of <paramref name="client"/> for the current user and OS (cursor: the project's, under the working folder).</summary>
    public static string ConfigPath(string client)
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return client switch
        {
            "claude" => OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "Claude", "claude_desktop_config.json")
                : OperatingSystem.IsMacOS()
                    ? Path.Combine(home, "Library", "Application Support", "Claude", "claude_desktop_config.json")
                    : Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".config"), "Claude", "claude_desktop_config.json"),
            "cursor" => Path.Combine(Directory.GetCurrentDirectory(), ".cursor", "mcp.json"),
            "cursor-global" => Path.Combine(home, ".cursor", "mcp.json"),
            "codex" => Path.Combine(Environment.GetEnvironmentVariable("CODEX_HOME") is { Length: > 0 } codexHome ? codexHome : Path.Combine(home, ".codex"), "config.toml"),
            _ => throw new CliUsageException($"unknown MCP client '{client}'; known: {string.Join(", ", Names)}."),
        };
    }
}
