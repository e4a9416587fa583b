namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A CLIP model: a text tower and a vision tower that embed into one space, where its files come
/// from and how they are laid out in the model folder. Immutable; derive a variant with <c>with</c>.
/// </summary>
/// <param name="Name">Short name (<c>clip</c>), also the model folder's name.</param>
/// <param name="Repository">Hugging Face repository id.</param>
/// <param name="Revision">Commit of the repository the files are taken from.</param>
/// <param name="Dimension">Embedding dimension of both towers.</param>
/// <param name="Files">The exact repository files a pull fetches (relative paths, '/' separated).</param>
public sealed record ClipModelPreset(
    string Name,
    string Repository,
    string Revision,
    int Dimension,
    IReadOnlyList<string> Files) : ModelPreset(Name, Repository, Revision, Dimension, Files)
{
    /// <summary>CLIP embeds images and text into one space: a clip index is an image+text index.</summary>
    public override bool EmbedsImages => true;

    /// <summary>The text tower inside the model folder ('/' separated).</summary>
    public string TextModelFile { get; init; } = "onnx/text_model.onnx";

    /// <summary>The vision tower inside the model folder ('/' separated).</summary>
    public string VisionModelFile { get; init; } = "onnx/vision_model.onnx";

    /// <summary>Embedder options matching the preset (model id, dimension check, preset name for error messages).</summary>
    public OnnxClipEmbedderOptions ToOptions() => new()
    {
        ModelId = Repository,
        ExpectedDimension = Dimension,
        Preset = Name,
        TextModelFile = TextModelFile,
        VisionModelFile = VisionModelFile,
    };
}
