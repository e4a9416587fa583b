namespace LodeDb;

/// <summary>One search result: the row's id, its cosine-similarity estimate and its metadata.</summary>
public sealed record SearchHit(string Id, float Score, IReadOnlyDictionary<string, object?> Metadata);
