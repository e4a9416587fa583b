using System.Text.Json;
using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands.Documents;

/// <summary>
/// Removal of documents by id for the HTTP server (<c>POST /documents/remove</c>,
/// <c>DELETE /documents/{id}</c>) and the MCP tool <c>lodedb_remove</c>: every id is checked
/// before the first removal, so a refused call removes nothing, and the answer says which ids
/// existed.
/// </summary>
internal static class DocumentRemoval
{
    public static (List<string> Removed, List<string> Missing) RemoveEach(LodeDatabase db, IReadOnlyList<string?> ids)
    {
        if (ids.Any(id => id is null))
        {
            throw new CliUsageException("ids must not contain null.");
        }

        var removed = new List<string>();
        var missing = new List<string>();
        foreach (string? id in ids)
        {
            (db.Remove(id!) ? removed : missing).Add(id!);
        }

        return (removed, missing);
    }

    /// <summary>{removed: [...], notFound: [...], documents: N}.</summary>
    public static string Answer(IReadOnlyList<string> removed, IReadOnlyList<string> missing, long documents) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        JsonLine.WriteStrings(json, "removed", removed);
        JsonLine.WriteStrings(json, "notFound", missing);
        json.WriteNumber("documents", documents);
        json.WriteEndObject();
    });
}
