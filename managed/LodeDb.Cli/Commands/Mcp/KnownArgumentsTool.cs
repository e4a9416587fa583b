using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// A tool that checks argument names against its input schema before it runs: an argument the
/// schema does not name is a tool error (the SDK binds by name and drops the rest, so a misspelt
/// <c>filtr</c> would run an unfiltered search and <c>metdata</c> would store a document without
/// its metadata), and so is a required one that is missing (the SDK would only say "An error
/// occurred invoking ...").
/// </summary>
internal sealed class KnownArgumentsTool(McpServerTool inner) : DelegatingMcpServerTool(inner)
{
    private readonly HashSet<string> _known = Names(inner.ProtocolTool.InputSchema, "properties");
    private readonly HashSet<string> _required = Names(inner.ProtocolTool.InputSchema, "required");

    public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ICollection<string> given = request.Params?.Arguments?.Keys ?? [];
        string[] unknown = [.. given.Where(name => !_known.Contains(name))];
        string[] missing = [.. _required.Where(name => !given.Contains(name)).Order(StringComparer.Ordinal)];
        if (unknown.Length > 0)
        {
            return Refuse($"{ProtocolTool.Name} has no argument {Quoted(unknown)} (its arguments: {string.Join(", ", _known.Order(StringComparer.Ordinal))}).");
        }

        if (missing.Length > 0)
        {
            return Refuse($"{ProtocolTool.Name} needs the argument {Quoted(missing)}.");
        }

        return base.InvokeAsync(request, cancellationToken);
    }

    private static ValueTask<CallToolResult> Refuse(string message) =>
        ValueTask.FromResult(LodeMcpTools.Answer(() => throw new CliUsageException(message)));

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(name => $"'{name}'"));

    /// <summary>The member names of the schema's "properties" object, or the strings of its "required" array.</summary>
    private static HashSet<string> Names(JsonElement schema, string member)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty(member, out JsonElement value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.Object => [.. value.EnumerateObject().Select(p => p.Name)],
            JsonValueKind.Array => [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            _ => [],
        };
    }
}
