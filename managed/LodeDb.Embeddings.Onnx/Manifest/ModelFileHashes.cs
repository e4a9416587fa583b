using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace LodeDb.Embeddings.Onnx;

/// <summary>The hashes a model file is checked by: SHA-256 always, and the git blob SHA-1 when asked for.</summary>
/// <param name="Sha256">SHA-256 of the content (lower-case hex).</param>
/// <param name="GitBlobSha1">Git blob id ("blob {size}\0" + content, lower-case hex) when it was computed, else null.</param>
internal readonly record struct ModelFileHashes(string Sha256, string? GitBlobSha1)
{
    private const int BufferSize = 81920;

    /// <summary>Whether these are the hashes the hub lists for <paramref name="entry"/> (SHA-256 for LFS files, the blob id for files kept in git).</summary>
    public bool Matches(HubFileEntry entry) => entry.IsLfs
        ? string.Equals(Sha256, entry.Sha256, StringComparison.Ordinal)
        : string.Equals(GitBlobSha1, entry.GitBlobSha1, StringComparison.Ordinal);

    /// <summary>
    /// Reads <paramref name="path"/> once and hashes it: the one hash loop of the model code (the pull's
    /// check and <see cref="ModelIntegrity"/> both use it). <paramref name="cancellationToken"/> is checked between buffers.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">No OpenSSL loads on this Linux system (.NET would abort the process on the first hash).</exception>
    public static ModelFileHashes Compute(string path, bool gitBlob, CancellationToken cancellationToken = default)
    {
        if (!LodeContentHash.IsSupported)
        {
            throw new PlatformNotSupportedException(
                $"Cannot check the model file '{path}': model files are pinned by SHA-256, which .NET computes through OpenSSL on Linux, and no libssl loads here (.NET would abort the process). Install OpenSSL (e.g. libssl3).");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5350 // Git object ids are SHA-1: that is the id the hub lists for small files.
        using IncrementalHash? git = gitBlob ? IncrementalHash.CreateHash(HashAlgorithmName.SHA1) : null;
#pragma warning restore CA5350
        git?.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sha256.AppendData(buffer, 0, read);
                git?.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ModelFileHashes(Convert.ToHexStringLower(sha256.GetHashAndReset()), git is null ? null : Convert.ToHexStringLower(git.GetHashAndReset()));
    }

    /// <summary>Hashes on the thread pool, so an async pull does not block its caller's thread on the file.</summary>
    public static Task<ModelFileHashes> ComputeAsync(string path, bool gitBlob, CancellationToken cancellationToken) =>
        Task.Run(() => Compute(path, gitBlob, cancellationToken), cancellationToken);
}
