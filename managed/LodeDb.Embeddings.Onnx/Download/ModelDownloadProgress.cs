namespace LodeDb.Embeddings.Onnx;

/// <summary>What a pull is doing with one file.</summary>
public enum ModelDownloadStage
{
    /// <summary>Hashing a file already in the folder to see whether it can be kept.</summary>
    Checking,

    /// <summary>The file is already there with the listed size and hash: not downloaded.</summary>
    Skipped,

    /// <summary>Bytes are arriving (<see cref="ModelDownloadProgress.BytesDone"/> grows).</summary>
    Downloading,

    /// <summary>All bytes arrived; the size and hash are being checked.</summary>
    Verifying,

    /// <summary>Verified and renamed into place.</summary>
    Completed,
}

/// <summary>
/// One progress report of <see cref="ModelDownloader.PullAsync(ModelPreset, string?, IProgress{ModelDownloadProgress}?, CancellationToken)"/>.
/// </summary>
/// <param name="File">The repository file ('/' separated).</param>
/// <param name="FileIndex">0-based position of the file in the preset's list.</param>
/// <param name="FileCount">Number of files of the preset.</param>
/// <param name="Stage">What is happening to the file.</param>
/// <param name="BytesDone">Bytes of the file on disk so far (bytes resumed from a partial download included).</param>
/// <param name="FileSize">Size of the file the repository lists.</param>
public readonly record struct ModelDownloadProgress(
    string File,
    int FileIndex,
    int FileCount,
    ModelDownloadStage Stage,
    long BytesDone,
    long FileSize);
