namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// Base class of the errors of a local embedding model (missing files, a model or tokenizer that
/// does not fit). Catch this to handle every model problem of <see cref="OnnxTextEmbedder"/> and <see cref="OnnxClipEmbedder"/>.
/// </summary>
public class EmbeddingModelException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public EmbeddingModelException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
