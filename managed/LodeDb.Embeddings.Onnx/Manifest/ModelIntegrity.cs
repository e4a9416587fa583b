using System.Collections.Concurrent;

namespace LodeDb.Embeddings.Onnx;

/// <summary>Whether a model folder's files were checked against a manifest.</summary>
public enum ModelIntegrityStatus
{
    /// <summary>The folder has no <c>lodedb-model.json</c> (files put there by hand): nothing to check against.</summary>
    NoManifest,

    /// <summary>Every file the manifest lists is there with its size and SHA-256.</summary>
    Verified,
}

/// <summary>The outcome of <see cref="ModelIntegrity.Verify"/> for a folder that passed.</summary>
/// <param name="Folder">The model folder.</param>
/// <param name="Status">Verified, or no manifest to verify against.</param>
/// <param name="Manifest">The manifest, or null when there is none.</param>
public sealed record ModelIntegrityReport(string Folder, ModelIntegrityStatus Status, ModelManifest? Manifest)
{
    /// <summary>One line for logs and the doctor.</summary>
    public string Describe() => Status == ModelIntegrityStatus.Verified
        ? $"{Manifest!.Files.Count} files match {ModelManifest.FileName} (SHA-256; source {Manifest.Source})"
        : $"no {ModelManifest.FileName}: files not verified (pull or import the model to record their hashes)";
}

/// <summary>
/// Checks a model folder against its manifest before a model is loaded, so a file damaged after it
/// was downloaded or imported is a <see cref="ModelDamagedException"/> rather than silently different
/// embeddings. Hashing a file is done once per process: the SHA-256 is cached with the file's size
/// and last-write time, and computed again only when either changes.
/// </summary>
public static class ModelIntegrity
{
    private static readonly ConcurrentDictionary<string, (long Size, DateTime WrittenUtc, string Sha256)> Hashes = new(StringComparer.Ordinal);
    private static long _hashesComputed;

    /// <summary>Files hashed (not served from the cache) by this process so far; tests use it to see the cache work.</summary>
    internal static long HashesComputed => Interlocked.Read(ref _hashesComputed);

    /// <summary>
    /// Verifies every file listed in <paramref name="folder"/>'s <c>lodedb-model.json</c> (size, then
    /// SHA-256). A folder without a manifest passes with <see cref="ModelIntegrityStatus.NoManifest"/>.
    /// </summary>
    /// <exception cref="ModelDamagedException">A listed file is missing or differs.</exception>
    /// <exception cref="ModelFormatException">The manifest cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked while files are hashed).</exception>
    public static ModelIntegrityReport Verify(string folder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.GetFullPath(folder);
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return new ModelIntegrityReport(folder, ModelIntegrityStatus.NoManifest, null);
        }

        ModelManifest manifest = ModelManifest.Read(manifestPath);
        foreach (ModelManifestFile file in manifest.Files)
        {
            string path = Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ModelDamagedException(path, manifestPath, manifest.Preset, file.Size, null, file.Sha256, null);
            }

            if (info.Length != file.Size)
            {
                throw new ModelDamagedException(path, manifestPath, manifest.Preset, file.Size, info.Length, file.Sha256, null);
            }

            string actual = Sha256Of(info, cancellationToken);
            if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
            {
                throw new ModelDamagedException(path, manifestPath, manifest.Preset, file.Size, info.Length, file.Sha256, actual);
            }
        }

        return new ModelIntegrityReport(folder, ModelIntegrityStatus.Verified, manifest);
    }

    /// <summary>Records <paramref name="sha256"/> as the hash of <paramref name="file"/> at its current size and write time (a file renamed after hashing).</summary>
    internal static void Remember(FileInfo file, string sha256) => Hashes[file.FullName] = (file.Length, file.LastWriteTimeUtc, sha256);

    /// <summary>SHA-256 of <paramref name="file"/> (lower-case hex), from the cache when its size and last-write time are unchanged.</summary>
    internal static string Sha256Of(FileInfo file, CancellationToken cancellationToken = default)
    {
        string key = file.FullName;
        long size = file.Length;
        DateTime written = file.LastWriteTimeUtc;
        if (Hashes.TryGetValue(key, out var cached) && cached.Size == size && cached.WrittenUtc == written)
        {
            return cached.Sha256;
        }

        string sha256 = ModelFileHashes.Compute(key, gitBlob: false, cancellationToken).Sha256;

        Interlocked.Increment(ref _hashesComputed);
        Hashes[key] = (size, written, sha256);
        return sha256;
    }
}
