namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// What every built-in model has: a short name, the Hugging Face repository and pinned revision its
/// files come from, the exact files a pull fetches, and the embedding dimension.
/// <see cref="ModelDownloader"/> pulls any preset; <see cref="ModelPresets"/> lists them all.
/// </summary>
/// <param name="Name">Short name used by options and the CLI (<c>minilm</c>, <c>bge</c>, <c>clip</c>); also the model folder's name.</param>
/// <param name="Repository">Hugging Face repository id.</param>
/// <param name="Revision">Commit of the repository the files are taken from.</param>
/// <param name="Dimension">Embedding dimension.</param>
/// <param name="Files">The exact repository files a pull fetches (relative paths, '/' separated).</param>
public abstract record ModelPreset(
    string Name,
    string Repository,
    string Revision,
    int Dimension,
    IReadOnlyList<string> Files)
{
    /// <summary>
    /// The files a model folder must hold for the preset to load ('/' separated): all of
    /// <see cref="Files"/>, except a text preset's optional tokenizer files (tokenizer.json,
    /// tokenizer_config.json: without the latter the BERT defaults apply).
    /// </summary>
    public virtual IReadOnlyList<string> RequiredFiles => Files;

    /// <summary>The CLI command that downloads this preset (<c>lodedb models pull &lt;name&gt;</c>).</summary>
    public string PullCommand => ModelPresets.PullCommand(Name);
}
