namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A model or tokenizer file exists but does not fit the embedder (a BERT-family sentence model or
/// a CLIP tower): wrong input or output names or types, a dimension that differs from the preset,
/// an unreadable tokenizer file. The message names the file and what was expected.
/// </summary>
public sealed class ModelFormatException : EmbeddingModelException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public ModelFormatException(string file, string detail, Exception? inner = null)
        : base($"The model file '{file}' cannot be used as an embedding model: {detail}", inner)
    {
        File = file;
    }

    /// <summary>The offending file.</summary>
    public string File { get; }
}
