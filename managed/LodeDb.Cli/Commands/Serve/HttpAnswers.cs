using System.Text.Json;
using LodeDb.Cli.Commands.Documents;
using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>The JSON bodies of <c>lodedb serve</c>'s answers (metadata with its stored types).</summary>
internal static class HttpAnswers
{
    public static string Hits(IReadOnlyList<SearchHit> hits, SearchMode? mode, bool withText) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        if (mode is SearchMode searchMode)
        {
            json.WriteString("mode", searchMode.ToString().ToLowerInvariant());
        }

        json.WriteStartArray("hits");
        foreach (SearchHit hit in hits)
        {
            json.WriteStartObject();
            json.WriteString("id", hit.Id);
            json.WriteNumber("score", hit.Score);
            json.WriteNumber("chunk", hit.Chunk);
            json.WritePropertyName("metadata");
            JsonLine.WriteObject(json, hit.Metadata);
            if (withText && hit.Text is not null)
            {
                json.WriteString("text", hit.Text);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static string Ids(IReadOnlyList<string> ids, long documents) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        JsonLine.WriteStrings(json, "ids", ids);
        json.WriteNumber("documents", documents);
        json.WriteEndObject();
    });

    public static string Page(IReadOnlyList<LodeRecord> records, string? nextCursor) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("documents");
        foreach (LodeRecord record in records)
        {
            DocumentJson.Write(json, record, null);
        }

        json.WriteEndArray();
        if (nextCursor is null)
        {
            json.WriteNull("nextCursor");
        }
        else
        {
            json.WriteString("nextCursor", nextCursor);
        }

        json.WriteEndObject();
    });

    public static string Stats(LodeDatabase db, bool readOnly, bool excludeText) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        foreach ((string key, object value) in StatsCommand.Rows(db))
        {
            json.WritePropertyName(key);
            JsonLine.WriteValue(json, value);
        }

        json.WriteBoolean("readOnly", readOnly);
        json.WriteBoolean("textRedacted", excludeText);
        json.WriteEndObject();
    });

    public static string Spaces(string path, IReadOnlyList<string> spaces) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("collection", path);
        JsonLine.WriteStrings(json, "spaces", spaces);
        json.WriteEndObject();
    });

    public static string Error(string message) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("error", message);
        json.WriteEndObject();
    });
}
