using System.Text;
using System.Text.Json;
using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands.Export;

/// <summary>
/// Export rows as JSON Lines: one object per document, <c>{"id", "text"?, "metadata": {...}, "vectors"?: [[...], ...]}</c>,
/// metadata typed as in the database (a double always has a fraction or exponent), floats written
/// to round-trip exactly. No header line: every line is a document, as loaders expect.
/// </summary>
internal static class JsonLinesExchange
{
    public static async Task WriteAsync(string file, IEnumerable<ExportRow> rows, int dimension, CancellationToken cancellation)
    {
        await using var writer = new StreamWriter(file, append: false, new UTF8Encoding(false));
        foreach (ExportRow row in rows)
        {
            cancellation.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(JsonLine.Build(json =>
            {
                json.WriteStartObject();
                json.WriteString("id", row.Id);
                if (row.Text is not null)
                {
                    json.WriteString("text", row.Text);
                }

                json.WritePropertyName("metadata");
                json.WriteRawValue(row.Metadata);
                if (row.Vector is not null)
                {
                    json.WriteStartArray("vectors");
                    for (int chunk = 0; chunk < row.Chunks; chunk++)
                    {
                        json.WriteStartArray();
                        foreach (float value in row.Vector.AsSpan(chunk * dimension, dimension))
                        {
                            json.WriteNumberValue(value);
                        }

                        json.WriteEndArray();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }));
        }
    }

    public static IEnumerable<ExportRow> Read(string file)
    {
        int lineNumber = 0;
        foreach (string line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            ExportRow row;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                row = new ExportRow
                {
                    Id = root.GetProperty("id").GetString() ?? throw new InvalidDataException("id is null"),
                    Text = root.TryGetProperty("text", out JsonElement text) && text.ValueKind != JsonValueKind.Null ? text.GetString() : null,
                    Metadata = root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind != JsonValueKind.Null ? metadata.GetRawText() : "{}",
                };
                if (root.TryGetProperty("vectors", out JsonElement vectors) && vectors.ValueKind == JsonValueKind.Array)
                {
                    float[][] chunks = [.. vectors.EnumerateArray().Select(v => v.EnumerateArray().Select(x => x.GetSingle()).ToArray())];
                    row.Chunks = chunks.Length;
                    row.Vector = [.. chunks.SelectMany(v => v)];
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{file}:{lineNumber}: not a lodedb JSON line ({e.Message}).");
            }

            yield return row;
        }
    }
}
