namespace LodeDb;

/// <summary>One image of <see cref="LodeDatabase.AddImages"/>: the image, its id (generated when null), metadata and an optional caption.</summary>
/// <param name="Image">The image to embed; its bytes are never stored.</param>
/// <param name="Id">The row's id; null to generate one. An existing id is replaced.</param>
/// <param name="Metadata">Filterable metadata (keep the image's path here to find it again).</param>
/// <param name="Text">An optional caption: stored with <c>StoreText</c>, lexically searchable with stored text or <c>IndexText</c>.</param>
public sealed record ImageItem(ImageSource Image, string? Id = null, IReadOnlyDictionary<string, object?>? Metadata = null, string? Text = null)
{
    /// <summary>An item for the image file at <paramref name="path"/>.</summary>
    public static ImageItem FromFile(string path, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null) =>
        new(ImageSource.FromFile(path), id, metadata, text);

    /// <summary>An item for an encoded image in memory.</summary>
    public static ImageItem FromBytes(ReadOnlyMemory<byte> encoded, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null) =>
        new(ImageSource.FromBytes(encoded), id, metadata, text);
}
