namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A model folder or one of its files is missing. The message names the missing path and, for a
/// preset, the command that downloads it (<c>lodedb models pull &lt;preset&gt;</c>).
/// </summary>
public sealed class ModelNotFoundException : EmbeddingModelException
{
    private const string BertFolderHint = "a BERT-family ONNX export (onnx/model.onnx or model.onnx, vocab.txt, optionally tokenizer_config.json)";

    /// <summary>Creates the exception for <paramref name="missingPath"/> of the model in <paramref name="modelDirectory"/>.</summary>
    public ModelNotFoundException(string modelDirectory, string missingPath, string? preset)
        : this(modelDirectory, missingPath, preset, BertFolderHint)
    {
    }

    /// <summary>As the public constructor; <paramref name="folderHint"/> says what a custom folder must hold.</summary>
    internal ModelNotFoundException(string modelDirectory, string missingPath, string? preset, string folderHint)
        : base(FormatMessage(modelDirectory, missingPath, preset, folderHint))
    {
        ModelDirectory = modelDirectory;
        MissingPath = missingPath;
        Preset = preset;
    }

    /// <summary>The model folder that was looked in.</summary>
    public string ModelDirectory { get; }

    /// <summary>The file or folder that does not exist.</summary>
    public string MissingPath { get; }

    /// <summary>The preset the folder was resolved for, or null for an explicit custom folder.</summary>
    public string? Preset { get; }

    /// <summary>The command that downloads the preset's files (names the preset, or a placeholder for a custom folder).</summary>
    public string PullCommand => ModelPresets.PullCommand(Preset ?? "<preset>");

    private static string FormatMessage(string modelDirectory, string missingPath, string? preset, string folderHint)
    {
        string what = Directory.Exists(modelDirectory)
            ? $"The model file '{missingPath}' is missing"
            : $"The model folder '{modelDirectory}' does not exist";
        string fix = preset is null
            ? $"Put {folderHint} there, or download a preset with '{ModelPresets.PullCommand("<preset>")}' ({string.Join(", ", ModelPresets.Names)})."
            : $"Download the '{preset}' model with: {ModelPresets.PullCommand(preset)} (or set {ModelFolderResolver.ModelDirectoryVariable} / the model directory option to a folder that holds it).";
        return $"{what}. {fix}";
    }
}
