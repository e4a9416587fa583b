namespace LodeDb.Presets;

/// <summary>
/// What every preset model has: a short name, the repository and pinned revision its files come
/// from, the exact files a pull fetches, the embedding dimension and whether it embeds images.
/// The core only reads these; a preset provider (<see cref="IModelPresetProvider"/>, for example
/// the LodeDb.Embeddings.Onnx package) defines the presets and runs them.
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
    /// <see cref="Files"/>, except files the provider treats as optional.
    /// </summary>
    public virtual IReadOnlyList<string> RequiredFiles => Files;

    /// <summary>True when the preset embeds images and text in one space (an image+text index).</summary>
    public virtual bool EmbedsImages => false;

    /// <summary>The CLI command that downloads this preset (<c>lodedb models pull &lt;name&gt;</c>).</summary>
    public string PullCommand => PullCommandFor(Name);

    /// <summary>The CLI command that downloads the preset called <paramref name="name"/>.</summary>
    public static string PullCommandFor(string name) => $"lodedb models pull {name}";
}
