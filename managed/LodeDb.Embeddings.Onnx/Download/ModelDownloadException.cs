namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A model pull failed: the repository listing could not be read, the server answered with an
/// error, or a file did not arrive whole or intact. The message names the repository, the file
/// and what to do. Derived types carry the details of integrity failures, interrupted transfers
/// and files the repository does not have.
/// </summary>
public class ModelDownloadException : EmbeddingModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message (what failed and what to do).</param>
    /// <param name="repository">Hugging Face repository id of the pull.</param>
    /// <param name="file">The repository file concerned ('/' separated), or null for the repository listing.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelDownloadException(string message, string repository, string? file, Exception? inner = null)
        : base(message, inner)
    {
        Repository = repository;
        File = file;
    }

    /// <summary>The Hugging Face repository id of the pull.</summary>
    public string Repository { get; }

    /// <summary>The repository file concerned ('/' separated), or null when the failure is not about one file.</summary>
    public string? File { get; }
}

/// <summary>
/// A downloaded file does not match the repository's listing: its size or its hash (SHA-256 for
/// LFS files, the git blob SHA-1 for small files) differs. The bad download has been deleted; the
/// final file name was never written.
/// </summary>
public sealed class ModelIntegrityException : ModelDownloadException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public ModelIntegrityException(string repository, string file, string path, long expectedSize, long actualSize,
        string hashAlgorithm, string expectedHash, string? actualHash)
        : base(FormatMessage(repository, file, path, expectedSize, actualSize, hashAlgorithm, expectedHash, actualHash), repository, file)
    {
        Path = path;
        ExpectedSize = expectedSize;
        ActualSize = actualSize;
        HashAlgorithm = hashAlgorithm;
        ExpectedHash = expectedHash;
        ActualHash = actualHash;
    }

    /// <summary>Where the file would have been written (it was not).</summary>
    public string Path { get; }

    /// <summary>Size in bytes the repository listing gives.</summary>
    public long ExpectedSize { get; }

    /// <summary>Size in bytes that arrived.</summary>
    public long ActualSize { get; }

    /// <summary><c>sha256</c> (LFS files) or <c>git-blob-sha1</c> (small files kept in git).</summary>
    public string HashAlgorithm { get; }

    /// <summary>Hash the repository listing gives (lower-case hex).</summary>
    public string ExpectedHash { get; }

    /// <summary>Hash of what arrived (lower-case hex), or null when the size already differed and nothing was hashed.</summary>
    public string? ActualHash { get; }

    private static string FormatMessage(string repository, string file, string path, long expectedSize, long actualSize,
        string hashAlgorithm, string expectedHash, string? actualHash)
    {
        string what = actualHash is null
            ? $"'{file}' of {repository} arrived with {actualSize} bytes but the repository lists {expectedSize} bytes ({hashAlgorithm} {expectedHash})"
            : $"'{file}' of {repository} ({actualSize} bytes) has {hashAlgorithm} {actualHash} but the repository lists {expectedHash} ({expectedSize} bytes)";
        return $"Integrity check failed: {what}. The download was discarded and '{path}' was not written. "
            + "Run the pull again; if it fails the same way, the endpoint (LODEDB_HF_ENDPOINT, a mirror or proxy) serves other content than the repository lists.";
    }
}

/// <summary>
/// A transfer stopped before the whole file arrived (connection closed, network error, stall
/// timeout). What arrived is kept in <see cref="PartialPath"/>; pulling again resumes from there.
/// </summary>
public sealed class ModelDownloadIncompleteException : ModelDownloadException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public ModelDownloadIncompleteException(string repository, string file, string partialPath, long expectedSize, long receivedSize, string reason, Exception? inner = null)
        : base($"The download of '{file}' from {repository} stopped after {receivedSize} of {expectedSize} bytes ({reason}). "
            + $"The bytes received are kept in '{partialPath}'; run the pull again to resume from there.", repository, file, inner)
    {
        PartialPath = partialPath;
        ExpectedSize = expectedSize;
        ReceivedSize = receivedSize;
    }

    /// <summary>The partial file kept for resuming.</summary>
    public string PartialPath { get; }

    /// <summary>Size in bytes the repository listing gives.</summary>
    public long ExpectedSize { get; }

    /// <summary>Bytes of the file on disk so far (resumed bytes included).</summary>
    public long ReceivedSize { get; }
}

/// <summary>
/// A file the preset needs is not in the repository at the pinned revision. Nothing was downloaded.
/// </summary>
public sealed class ModelFileNotInRepositoryException : ModelDownloadException
{
    /// <summary>Creates the exception for the <paramref name="missingFiles"/> of <paramref name="repository"/> at <paramref name="revision"/>.</summary>
    public ModelFileNotInRepositoryException(string repository, string revision, IReadOnlyList<string> missingFiles, IReadOnlyList<string> availableFiles)
        : base(FormatMessage(repository, revision, missingFiles, availableFiles), repository, missingFiles.Count > 0 ? missingFiles[0] : null)
    {
        Revision = revision;
        MissingFiles = missingFiles;
        AvailableFiles = availableFiles;
    }

    /// <summary>The revision that was listed.</summary>
    public string Revision { get; }

    /// <summary>The preset's files absent from the listing.</summary>
    public IReadOnlyList<string> MissingFiles { get; }

    /// <summary>The files the listing does have.</summary>
    public IReadOnlyList<string> AvailableFiles { get; }

    private static string FormatMessage(string repository, string revision, IReadOnlyList<string> missing, IReadOnlyList<string> available)
    {
        const int Shown = 20;
        string listed = available.Count == 0
            ? "it lists no files"
            : $"it has: {string.Join(", ", available.Take(Shown))}{(available.Count > Shown ? $", ... ({available.Count} files)" : "")}";
        return $"{repository} at revision {revision} does not have {string.Join(", ", missing.Select(f => $"'{f}'"))} ({listed}). Nothing was downloaded. "
            + "Check the preset's revision (a LODEDB_*_REVISION override or a 'with { Revision = ... }' variant) and its file list.";
    }
}
