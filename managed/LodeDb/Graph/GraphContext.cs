namespace LodeDb.Graph;

/// <summary>What a graph write or search needs to know about its handle.</summary>
internal sealed record GraphContext(LodeDatabase Database, StoreIdentity Identity, bool HasEmbedder, bool IndexEdges);
