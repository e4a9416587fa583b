namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// What a text is embedded for. Asymmetric models (bge) prefix queries with an instruction and
/// embed documents as they are; symmetric models (minilm) treat both alike.
/// </summary>
public enum EmbeddingPurpose
{
    /// <summary>A stored text (passage, chunk): never prefixed.</summary>
    Document,

    /// <summary>A search query: prefixed with <see cref="OnnxTextEmbedderOptions.QueryPrefix"/> when one is set.</summary>
    Query,
}
