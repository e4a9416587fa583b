namespace LodeDb;

/// <summary>Progress of a batch of text documents: chunks embedded so far, of all chunks of the batch (reported after each embedder batch).</summary>
public readonly record struct TextIngestProgress(int EmbeddedChunks, int TotalChunks);
