namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// Finds the folder of a preset model. The root is, in order: the explicit directory (the
/// database's ModelDirectory option), else <c>LODEDB_MODEL_DIR</c>, else the per-user cache
/// <c>LocalApplicationData/lodedb/models</c>. The model folder is <c>&lt;root&gt;/&lt;preset&gt;</c>, which is where
/// <c>lodedb models pull</c> writes; a root that itself holds the model files (onnx/model.onnx or
/// model.onnx) is used as it is, so pointing the option straight at a model folder also works.
/// </summary>
public static class ModelFolderResolver
{
    /// <summary>Environment variable naming the models root.</summary>
    public const string ModelDirectoryVariable = "LODEDB_MODEL_DIR";

    /// <summary>Model file locations tried in order inside a model folder (Hugging Face exports use the first).</summary>
    public static IReadOnlyList<string> ModelFileCandidates { get; } = ["onnx/model.onnx", "model.onnx"];

    /// <summary>The per-user models root: <c>LocalApplicationData/lodedb/models</c>.</summary>
    public static string DefaultRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "lodedb", "models");

    /// <summary>The models root in effect for <paramref name="explicitRoot"/> (null or empty: environment, then default).</summary>
    public static string ResolveRoot(string? explicitRoot = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(ModelDirectoryVariable)?.Trim();
        return Path.GetFullPath(string.IsNullOrEmpty(fromEnvironment) ? DefaultRoot : fromEnvironment);
    }

    /// <summary>The folder that holds (or should hold, after a pull) the files of <paramref name="preset"/>.</summary>
    public static string ResolvePresetFolder(string preset, string? explicitRoot = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        string root = ResolveRoot(explicitRoot);
        string presetFolder = Path.Combine(root, preset.Trim().ToLowerInvariant());
        return FindModelFile(presetFolder) is null && FindModelFile(root) is not null ? root : presetFolder;
    }

    /// <summary>The ONNX file of the model folder (first of <see cref="ModelFileCandidates"/> that exists), or null.</summary>
    public static string? FindModelFile(string modelFolder)
    {
        foreach (string candidate in ModelFileCandidates)
        {
            string path = Path.Combine(modelFolder, candidate.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
