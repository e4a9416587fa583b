using System.Text.Json;
using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands.Documents;

/// <summary>One document as JSON: id, typed metadata, chunk count, content hash (when kept) and (when given) text. The CLI's get/list lines and the HTTP server's document answers both write it.</summary>
internal static class DocumentJson
{
    public static string Line(LodeRecord record, string? text) => JsonLine.Build(json => Write(json, record, text));

    public static void Write(Utf8JsonWriter json, LodeRecord record, string? text)
    {
        json.WriteStartObject();
        json.WriteString("id", record.Id);
        json.WritePropertyName("metadata");
        JsonLine.WriteObject(json, record.Metadata);
        json.WriteNumber("chunkCount", record.ChunkCount);
        if (record.ContentHash is not null)
        {
            json.WriteString("contentHash", record.ContentHash);
        }

        if (text is not null)
        {
            json.WriteString("text", text);
        }

        json.WriteEndObject();
    }
}
