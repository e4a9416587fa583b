using System.Text.Json.Serialization;

namespace LodeDb.Cli.Commands.Export;

/// <summary>
/// One document of an export (Parquet row or JSON line): id, stored text (null when not stored
/// or redacted), metadata as typed JSON (integers without a fraction, doubles always with one),
/// and its vectors, one per row (chunk) of the document, concatenated (<see cref="Chunks"/> x
/// dimension floats; null when the database keeps none).
/// </summary>
internal sealed class ExportRow
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("metadata")]
    public string Metadata { get; set; } = "{}";

    [JsonPropertyName("chunks")]
    public int Chunks { get; set; }

    [JsonPropertyName("vector")]
    public float[]? Vector { get; set; }
}
