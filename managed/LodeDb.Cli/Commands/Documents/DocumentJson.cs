using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands.Documents;

/// <summary>One document as a JSON line: id, typed metadata and (when given) text.</summary>
internal static class DocumentJson
{
    public static string Line(LodeRecord record, string? text) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("id", record.Id);
        json.WritePropertyName("metadata");
        JsonLine.WriteObject(json, record.Metadata);
        if (text is not null)
        {
            json.WriteString("text", text);
        }

        json.WriteEndObject();
    });
}
