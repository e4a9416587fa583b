namespace LodeDb;

/// <summary>A stored row as <see cref="LodeDatabase.Get"/> and <see cref="LodeDatabase.List(Filter?, int, int)"/> return it.</summary>
/// <remarks>Vectors are kept only as 2/4-bit codes, so the original floats are not returned.</remarks>
public sealed record LodeRecord(string Id, IReadOnlyDictionary<string, object?> Metadata)
{
    /// <summary>How many chunks the document was split into (1 for a vector or an image row).</summary>
    public int ChunkCount { get; init; } = 1;

    /// <summary>
    /// SHA-256 of what the document was made from (its text, its vector as given, or its image's
    /// bytes) as 64 lower-case hex digits (<see cref="LodeContentHash"/>); null for a document
    /// added without one (<see cref="LodeDbOptions.StoreContentHash"/> = false, or by a LodeDb
    /// that kept no hashes).
    /// </summary>
    public string? ContentHash { get; init; }
}
