namespace LodeDb.Embeddings.Onnx;

/// <summary>How a file came to be in the model folder after a pull.</summary>
public enum PulledFileSource
{
    /// <summary>Downloaded from the first byte.</summary>
    Downloaded,

    /// <summary>Completed from a partial download left by an earlier pull (an HTTP Range request).</summary>
    Resumed,

    /// <summary>Already there with the listed size and hash; kept as it was.</summary>
    Skipped,
}

/// <summary>A verified file of a pulled model.</summary>
/// <param name="Path">Repository path ('/' separated), also its path inside the model folder.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content (lower-case hex).</param>
/// <param name="GitBlobSha1">Git blob id it was verified against for files kept in git (not LFS), else null.</param>
/// <param name="Source">Whether it was downloaded, resumed or kept.</param>
public sealed record PulledFile(string Path, long Size, string Sha256, string? GitBlobSha1, PulledFileSource Source);

/// <summary>The outcome of a successful pull.</summary>
/// <param name="Preset">Preset name.</param>
/// <param name="Repository">Hugging Face repository id.</param>
/// <param name="Revision">Revision the files were taken from.</param>
/// <param name="ModelDirectory">The model folder (<c>&lt;root&gt;/&lt;preset&gt;</c>).</param>
/// <param name="ManifestPath">The <c>lodedb-model.json</c> written in the folder.</param>
/// <param name="Files">The preset's files, in the preset's order.</param>
public sealed record ModelPullResult(
    string Preset,
    string Repository,
    string Revision,
    string ModelDirectory,
    string ManifestPath,
    IReadOnlyList<PulledFile> Files);
