namespace LodeDb.Graph;

/// <summary>What <see cref="LodeGraph.Reindex"/> did: entries embedded again, entries kept as they were (no stored text to embed, or caller vectors), and orphaned entries dropped.</summary>
public sealed record GraphReindexResult(int Embedded, int Kept, int Removed);
