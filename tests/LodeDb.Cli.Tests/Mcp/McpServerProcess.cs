using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LodeDb.Cli.Tests.Mcp;

/// <summary>
/// A real <c>lodedb mcp</c> child process (<c>dotnet LodeDb.Cli.dll mcp ...</c>) driven by the
/// SDK's own client over its standard input and output.
/// </summary>
internal sealed class McpServerProcess : IAsyncDisposable
{
    private McpServerProcess(McpClient client, List<string> errorLines)
    {
        Client = client;
        ErrorLines = errorLines;
    }

    public McpClient Client { get; }

    /// <summary>What the server wrote to standard error.</summary>
    public List<string> ErrorLines { get; }

    /// <summary>The tool, run through the dotnet host that runs the tests.</summary>
    public static (string Command, string[] Prefix) CliCommand()
    {
        string dll = typeof(CliApp).Assembly.Location;
        Assert.That(File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")), Is.True, "the CLI's runtimeconfig.json is next to it in the test output");
        return (Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath! : "dotnet", [dll]);
    }

    public static async Task<McpServerProcess> StartAsync(params string[] arguments)
    {
        (string command, string[] prefix) = CliCommand();
        var errors = new List<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "lodedb",
            Command = command,
            Arguments = [.. prefix, "mcp", .. arguments],
            StandardErrorLines = line => { lock (errors) { errors.Add(line); } },
        });
        McpClient client = await McpClient.CreateAsync(transport);
        return new McpServerProcess(client, errors);
    }

    /// <summary>Calls a tool; returns its text and whether it is an error.</summary>
    public async Task<(string Text, bool IsError)> CallAsync(string tool, Dictionary<string, object?> arguments)
    {
        CallToolResult result = await Client.CallToolAsync(tool, arguments);
        string text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        return (text, result.IsError == true);
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();
}
