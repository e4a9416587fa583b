using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// A tool that answers a tool error for an argument its input schema does not name: the SDK
/// binds arguments by name and drops the rest, so a misspelt <c>filtr</c> would run an unfiltered
/// search and a misspelt <c>metdata</c> would store a document without its metadata.
/// </summary>
internal sealed class KnownArgumentsTool(McpServerTool inner) : DelegatingMcpServerTool(inner)
{
    private readonly HashSet<string> _known = Names(inner.ProtocolTool.InputSchema);

    public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        string[] unknown = [.. (request.Params?.Arguments?.Keys ?? []).Where(name => !_known.Contains(name))];
        if (unknown.Length > 0)
        {
            return ValueTask.FromResult(LodeMcpTools.Answer(() => throw new CliUsageException(
                $"{ProtocolTool.Name} has no argument {string.Join(", ", unknown.Select(name => $"'{name}'"))} (its arguments: {string.Join(", ", _known.Order(StringComparer.Ordinal))}).")));
        }

        return base.InvokeAsync(request, cancellationToken);
    }

    private static HashSet<string> Names(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object
            ? [.. properties.EnumerateObject().Select(p => p.Name)]
            : [];
}
