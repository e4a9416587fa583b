namespace LodeDb;

/// <summary>
/// One document of <see cref="LodeDatabase.UpsertAsync"/>: an id (generated when null), metadata,
/// and either <see cref="Text"/> alone (embedded by the index's embedder, chunked) or a
/// <see cref="Vector"/> (stored as given, with <see cref="Text"/> as its optional caption).
/// </summary>
public sealed record LodeDocument
{
    /// <summary>The id; null: generated. A document with an existing id replaces it.</summary>
    public string? Id { get; init; }

    /// <summary>Text to embed (without <see cref="Vector"/>), or the caption of the vector.</summary>
    public string? Text { get; init; }

    /// <summary>The document's vector at the index dimension (vector-in path).</summary>
    public ReadOnlyMemory<float>? Vector { get; init; }

    /// <summary>Metadata (JSON-like values).</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
}
