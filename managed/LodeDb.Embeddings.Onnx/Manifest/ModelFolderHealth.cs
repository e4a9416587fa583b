namespace LodeDb.Embeddings.Onnx;

/// <summary>What the doctor says about a preset's model folder whose files are present.</summary>
/// <param name="Damaged">True when a file no longer matches the folder's manifest (or the manifest cannot be read): loading it would fail.</param>
/// <param name="Detail">One line: the manifest check, and for text presets the tokenizer settings in use.</param>
public sealed record ModelFolderHealth(bool Damaged, string Detail)
{
    /// <summary>
    /// Checks <paramref name="folder"/> as loading it would: every file against its manifest
    /// (<see cref="ModelIntegrity.Verify"/>, hashes cached per process), and for a text preset the
    /// tokenizer settings (saying when tokenizer_config.json is absent and the BERT defaults apply).
    /// Never throws for what it finds.
    /// </summary>
    public static ModelFolderHealth Inspect(ModelPreset preset, string folder)
    {
        ArgumentNullException.ThrowIfNull(preset);
        string integrity;
        try
        {
            integrity = ModelIntegrity.Verify(folder).Describe();
        }
        catch (Exception e) when (e is ModelDamagedException or ModelFormatException or IOException or UnauthorizedAccessException)
        {
            return new ModelFolderHealth(true, e.Message);
        }

        if (preset is not TextModelPreset)
        {
            return new ModelFolderHealth(false, integrity);
        }

        try
        {
            return new ModelFolderHealth(false, $"{integrity}; tokenizer: {WordPieceTextTokenizer.Load(folder, preset.Name).DescribeSettings()}");
        }
        catch (EmbeddingModelException e)
        {
            return new ModelFolderHealth(true, e.Message);
        }
    }
}
