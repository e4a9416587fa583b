namespace LodeDb.Embeddings.Onnx;

/// <summary>The outcome of <see cref="ModelImporter.Import(ModelPreset, string, string?, bool)"/>.</summary>
/// <param name="Preset">The preset the folder now serves.</param>
/// <param name="SourceFolder">The folder the files came from.</param>
/// <param name="ModelDirectory">The preset's model folder (<c>&lt;root&gt;/&lt;preset&gt;</c>).</param>
/// <param name="ManifestPath">The <c>lodedb-model.json</c> written there.</param>
/// <param name="Files">The files registered, with sizes and SHA-256.</param>
/// <param name="Dimension">The embedding dimension the model produced in the shape check.</param>
/// <param name="VocabularySize">Tokens in vocab.txt (text presets), or null (clip).</param>
/// <param name="TokenizerSettings">The tokenizer settings in use (text presets: from tokenizer_config.json or the BERT defaults), or null.</param>
/// <param name="InPlace">True when the source already was the model folder: only the manifest was written.</param>
public sealed record ModelImportResult(
    string Preset,
    string SourceFolder,
    string ModelDirectory,
    string ManifestPath,
    IReadOnlyList<ModelManifestFile> Files,
    int Dimension,
    int? VocabularySize,
    string? TokenizerSettings,
    bool InPlace);
