namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A file of a model folder no longer matches the folder's manifest (<c>lodedb-model.json</c>,
/// written by <c>lodedb models pull</c> or <c>lodedb models import</c>): it is missing, or its size
/// or SHA-256 differs, so it changed after it was verified. The model is not loaded: damaged
/// weights would give silently different embeddings. Pull or import the model again.
/// </summary>
public sealed class ModelDamagedException : EmbeddingModelException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public ModelDamagedException(string file, string manifestPath, string? preset, long expectedSize, long? actualSize, string expectedSha256, string? actualSha256)
        : base(FormatMessage(file, manifestPath, preset, expectedSize, actualSize, expectedSha256, actualSha256))
    {
        File = file;
        ManifestPath = manifestPath;
        Preset = preset;
        ExpectedSize = expectedSize;
        ActualSize = actualSize;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The damaged (or missing) file.</summary>
    public string File { get; }

    /// <summary>The manifest it was checked against.</summary>
    public string ManifestPath { get; }

    /// <summary>The preset the manifest names, or null.</summary>
    public string? Preset { get; }

    /// <summary>Size the manifest records.</summary>
    public long ExpectedSize { get; }

    /// <summary>Size on disk, or null when the file is missing.</summary>
    public long? ActualSize { get; }

    /// <summary>SHA-256 the manifest records (lower-case hex).</summary>
    public string ExpectedSha256 { get; }

    /// <summary>SHA-256 of the file on disk, or null when it was not hashed (missing, or already another size).</summary>
    public string? ActualSha256 { get; }

    private static string FormatMessage(string file, string manifestPath, string? preset, long expectedSize, long? actualSize, string expectedSha256, string? actualSha256)
    {
        string what = actualSize is null
            ? "is missing"
            : actualSize != expectedSize
                ? $"is {actualSize:N0} bytes, not the {expectedSize:N0} bytes"
                : $"has SHA-256 {actualSha256}, not the {expectedSha256}";
        string fix = preset is null
            ? "Copy the model files again (or delete the manifest if you changed them on purpose)."
            : $"Download it again with: {ModelPresets.PullCommand(preset)} (or `lodedb models import {preset} <folder>`).";
        return $"The model file '{file}' {what} recorded in '{manifestPath}': it changed after it was verified, so the model is not loaded. {fix}";
    }
}
