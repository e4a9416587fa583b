using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// Downloads the exact files of a <see cref="ModelPreset"/> (text or CLIP) from its Hugging Face repository
/// into <c>&lt;root&gt;/&lt;preset&gt;</c> (the folder <see cref="ModelFolderResolver"/> and
/// <see cref="OnnxTextEmbedder.ForPreset(TextModelPreset, string?, int)"/> and
/// <see cref="OnnxClipEmbedder.ForPreset(ClipModelPreset, string?)"/> read), what
/// <c>lodedb models pull &lt;preset&gt;</c> runs.
/// </summary>
/// <remarks>
/// <para>The size and hash of each file are read first from the hub's tree API at the preset's
/// pinned revision: SHA-256 (<c>lfs.oid</c>) for LFS files, the git blob SHA-1 (<c>oid</c>) for small
/// files kept in git. A file already in the folder with that size and hash is kept.</para>
/// <para>Each file is written to <c>&lt;file&gt;.partial</c>; a pull that finds a partial file asks for
/// the rest with an HTTP Range request and keeps the bytes only when the server answers 206 with the
/// matching Content-Range (otherwise it starts the file again). Once the size and hash match, the
/// partial file is renamed to the final name, so a truncated or corrupted download never appears
/// under it. An interrupted transfer keeps the partial file for the next pull; a corrupted one is
/// deleted. Finally <c>lodedb-model.json</c> records the preset, repository, revision and the
/// verified hashes.</para>
/// <para>Instances are thread-safe, but two pulls into the same folder at once are refused.</para>
/// </remarks>
public sealed class ModelDownloader : IDisposable
{
    /// <summary>Environment variable naming the hub endpoint (a mirror, or a local server in tests).</summary>
    public const string EndpointVariable = "LODEDB_HF_ENDPOINT";

    /// <summary>The public Hugging Face hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Name of the manifest written into the model folder.</summary>
    public const string ManifestFileName = "lodedb-model.json";

    /// <summary>Suffix of a file being downloaded.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>File held open (exclusively) in the model folder while a pull writes there.</summary>
    internal const string LockFileName = ".lodedb-pull.lock";
    private const int BufferSize = 81920;
    private const long ProgressStep = 256 * 1024;

    private readonly HubClient _hub;

    /// <summary>Creates a downloader with its own HTTP handler.</summary>
    public ModelDownloader(ModelDownloaderOptions? options = null)
        : this(HubClient.CreateDefaultHandler(options?.Timeout ?? ModelDownloaderOptions.DefaultTimeout), disposeHandler: true, options)
    {
    }

    /// <summary>Creates a downloader sending its requests through <paramref name="handler"/> (a proxy setup, a test server).</summary>
    /// <param name="handler">The HTTP handler.</param>
    /// <param name="disposeHandler">Whether disposing the downloader disposes the handler.</param>
    /// <param name="options">Endpoint, timeout and user agent.</param>
    public ModelDownloader(HttpMessageHandler handler, bool disposeHandler = false, ModelDownloaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= new ModelDownloaderOptions();
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout must be positive (or infinite).");
        }

        Endpoint = ResolveEndpoint(options.Endpoint);
        _hub = new HubClient(handler, disposeHandler, Endpoint, options.Timeout, options.UserAgent);
    }

    /// <summary>The hub endpoint in use (a path of a mirror included).</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// The endpoint for <paramref name="explicitEndpoint"/>: it when set, else <c>LODEDB_HF_ENDPOINT</c>,
    /// else <see cref="DefaultEndpoint"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) address.</exception>
    public static Uri ResolveEndpoint(string? explicitEndpoint = null)
    {
        string? value = string.IsNullOrWhiteSpace(explicitEndpoint) ? Environment.GetEnvironmentVariable(EndpointVariable)?.Trim() : explicitEndpoint.Trim();
        if (string.IsNullOrEmpty(value))
        {
            value = DefaultEndpoint;
        }

        if (!Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The hub endpoint '{value}' is not an absolute http(s) address (set {EndpointVariable} to e.g. {DefaultEndpoint}).", nameof(explicitEndpoint));
        }

        return uri;
    }

    /// <summary>The folder a pull of <paramref name="preset"/> writes: <c>&lt;root&gt;/&lt;preset&gt;</c>, root as <see cref="ModelFolderResolver.ResolveRoot"/> gives it.</summary>
    public static string ModelFolder(ModelPreset preset, string? targetRoot = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return Path.Combine(ModelFolderResolver.ResolveRoot(targetRoot), FolderName(preset));
    }

    /// <summary>Downloads the preset called <paramref name="presetName"/> (<c>minilm</c>, <c>bge</c>, <c>clip</c>); see <see cref="PullAsync(ModelPreset, string?, IProgress{ModelDownloadProgress}?, CancellationToken)"/>.</summary>
    public Task<ModelPullResult> PullAsync(string presetName, string? targetRoot = null, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
        => PullAsync(ModelPresets.Get(presetName), targetRoot, progress, cancellationToken);

    /// <summary>
    /// Downloads the files of <paramref name="preset"/> at its revision into <c>&lt;root&gt;/&lt;preset&gt;</c>
    /// (root: <paramref name="targetRoot"/>, else <c>LODEDB_MODEL_DIR</c>, else the per-user cache), verifies
    /// them and writes the manifest.
    /// </summary>
    /// <exception cref="ModelFileNotInRepositoryException">A file of the preset is not in the repository listing (nothing is downloaded).</exception>
    /// <exception cref="ModelIntegrityException">A file arrived with another size or hash (it is discarded).</exception>
    /// <exception cref="ModelDownloadIncompleteException">A transfer stopped early (the partial file is kept for the next pull).</exception>
    /// <exception cref="ModelDownloadException">The server could not be reached or answered with an error.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (partial files are kept).</exception>
    public async Task<ModelPullResult> PullAsync(ModelPreset preset, string? targetRoot = null, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ValidatePreset(preset);
        string folder = ModelFolder(preset, targetRoot);

        IReadOnlyDictionary<string, HubFileEntry> listing = await _hub.ReadTreeAsync(preset, cancellationToken).ConfigureAwait(false);
        string[] missing = preset.Files.Where(f => !listing.ContainsKey(f)).ToArray();
        if (missing.Length > 0)
        {
            throw new ModelFileNotInRepositoryException(preset.Repository, preset.Revision, missing, listing.Keys.Order(StringComparer.Ordinal).ToArray());
        }

        Directory.CreateDirectory(folder);
        using FileStream pullLock = AcquireLock(preset, folder);

        var files = new List<PulledFile>(preset.Files.Count);
        for (int i = 0; i < preset.Files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new FileContext(preset, listing[preset.Files[i]], folder, i, preset.Files.Count, progress);
            files.Add(await PullFileAsync(context, cancellationToken).ConfigureAwait(false));
        }

        string manifestPath = Path.Combine(folder, ManifestFileName);
        ModelManifest.WriteFile(manifestPath, FolderName(preset), [("repository", preset.Repository), ("revision", preset.Revision), ("endpoint", _hub.Base)],
            files.Select(f => new ModelManifest.Entry(f.Path, f.Size, f.Sha256, f.GitBlobSha1)));
        return new ModelPullResult(preset.Name, preset.Repository, preset.Revision, folder, manifestPath, files);
    }

    /// <inheritdoc />
    public void Dispose() => _hub.Dispose();

    private sealed record FileContext(ModelPreset Preset, HubFileEntry Entry, string Folder, int Index, int Count, IProgress<ModelDownloadProgress>? Progress)
    {
        public string FinalPath { get; } = Path.Combine(Folder, Entry.Path.Replace('/', Path.DirectorySeparatorChar));

        public string PartialPath => FinalPath + PartialSuffix;

        public void Report(ModelDownloadStage stage, long bytes) =>
            Progress?.Report(new ModelDownloadProgress(Entry.Path, Index, Count, stage, bytes, Entry.Size));
    }

    private async Task<PulledFile> PullFileAsync(FileContext context, CancellationToken cancellationToken)
    {
        HubFileEntry entry = context.Entry;
        Directory.CreateDirectory(Path.GetDirectoryName(context.FinalPath)!);

        // Keep a file already in place when it is the listed one.
        if (File.Exists(context.FinalPath) && new FileInfo(context.FinalPath).Length == entry.Size)
        {
            context.Report(ModelDownloadStage.Checking, 0);
            ModelFileHashes present = await ModelFileHashes.ComputeAsync(context.FinalPath, !entry.IsLfs, cancellationToken).ConfigureAwait(false);
            if (present.Matches(entry))
            {
                TryDelete(context.PartialPath);
                context.Report(ModelDownloadStage.Skipped, entry.Size);
                return new PulledFile(entry.Path, entry.Size, present.Sha256, entry.GitBlobSha1, PulledFileSource.Skipped);
            }
        }

        for (int attempt = 0; ; attempt++)
        {
            long offset = File.Exists(context.PartialPath) ? new FileInfo(context.PartialPath).Length : 0;
            if (offset > entry.Size)
            {
                TryDelete(context.PartialPath);
                offset = 0;
            }

            // Bytes from an earlier pull are reused; when the result does not verify, they are
            // dropped and the file is fetched once more from zero before failing.
            bool reused = offset > 0;
            if (offset < entry.Size || entry.Size == 0)
            {
                reused = await DownloadAsync(context, offset, cancellationToken).ConfigureAwait(false);
            }

            context.Report(ModelDownloadStage.Verifying, entry.Size);
            long actualSize = new FileInfo(context.PartialPath).Length;
            ModelFileHashes? hashes = actualSize == entry.Size ? await ModelFileHashes.ComputeAsync(context.PartialPath, !entry.IsLfs, cancellationToken).ConfigureAwait(false) : null;
            if (hashes is { } verified && verified.Matches(entry))
            {
                File.Move(context.PartialPath, context.FinalPath, overwrite: true);
                context.Report(ModelDownloadStage.Completed, entry.Size);
                return new PulledFile(entry.Path, entry.Size, verified.Sha256, entry.GitBlobSha1, reused ? PulledFileSource.Resumed : PulledFileSource.Downloaded);
            }

            TryDelete(context.PartialPath);
            if (!reused || attempt > 0)
            {
                throw new ModelIntegrityException(context.Preset.Repository, entry.Path, context.FinalPath, entry.Size, actualSize,
                    entry.HashAlgorithm, entry.ExpectedHash, hashes is { } h ? (entry.IsLfs ? h.Sha256 : h.GitBlobSha1) : null);
            }
        }
    }

    /// <summary>Brings the partial file to the listed size; returns whether the bytes already there were kept (resumed).</summary>
    private async Task<bool> DownloadAsync(FileContext context, long offset, CancellationToken cancellationToken)
    {
        HubFileEntry entry = context.Entry;
        Uri url = _hub.FileUri(context.Preset, entry.Path);
        HttpResponseMessage response = await _hub.SendAsync(url, offset > 0 ? offset : null, context.Preset, entry.Path, context.PartialPath, cancellationToken).ConfigureAwait(false);
        try
        {
            if (offset > 0 && !RangeHonoured(response, offset, entry.Size))
            {
                // 200 (Range ignored), 416, or a 206 for other bytes: start the file again from zero.
                response.Dispose();
                offset = 0;
                response = await _hub.SendAsync(url, null, context.Preset, entry.Path, context.PartialPath, cancellationToken).ConfigureAwait(false);
            }

            if (offset == 0)
            {
                _hub.EnsureSuccess(response, context.Preset, entry.Path, url, context.PartialPath);
                long? announced = response.Content.Headers.ContentLength;
                if (announced is long length && length != entry.Size && response.Content.Headers.ContentEncoding.Count == 0)
                {
                    TryDelete(context.PartialPath);
                    throw new ModelIntegrityException(context.Preset.Repository, entry.Path, context.FinalPath, entry.Size, length, entry.HashAlgorithm, entry.ExpectedHash, null);
                }
            }

            await CopyBodyAsync(context, response, offset, cancellationToken).ConfigureAwait(false);
            return offset > 0;
        }
        finally
        {
            response.Dispose();
        }
    }

    private async Task CopyBodyAsync(FileContext context, HttpResponseMessage response, long offset, CancellationToken cancellationToken)
    {
        HubFileEntry entry = context.Entry;
        var mode = offset > 0 ? FileMode.Open : FileMode.Create;
        long written = offset;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var file = new FileStream(context.PartialPath, mode, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            file.SetLength(offset);
            file.Position = offset;
            context.Report(ModelDownloadStage.Downloading, written);
            long lastReport = written;

            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw Incomplete(context, written, "the connection failed", e);
            }

            await using (body.ConfigureAwait(false))
            {
                using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                while (true)
                {
                    int read;
                    stall.CancelAfter(_hub.Timeout);
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                    {
                        await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        throw Incomplete(context, written, $"no data for {_hub.TimeoutText} s", e);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        throw Incomplete(context, written, "the connection was closed early", e);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    if (written + read > entry.Size)
                    {
                        await file.DisposeAsync().ConfigureAwait(false);
                        TryDelete(context.PartialPath);
                        throw new ModelIntegrityException(context.Preset.Repository, entry.Path, context.FinalPath, entry.Size, written + read, entry.HashAlgorithm, entry.ExpectedHash, null);
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None).ConfigureAwait(false);
                    written += read;
                    if (written - lastReport >= ProgressStep || written == entry.Size)
                    {
                        context.Report(ModelDownloadStage.Downloading, written);
                        lastReport = written;
                    }
                }
            }

            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (written < entry.Size)
        {
            throw Incomplete(context, written, "the server ended the response early", null);
        }
    }

    private static ModelDownloadIncompleteException Incomplete(FileContext context, long received, string reason, Exception? inner) =>
        new(context.Preset.Repository, context.Entry.Path, context.PartialPath, context.Entry.Size, received, reason, inner);

    private static bool RangeHonoured(HttpResponseMessage response, long offset, long size)
    {
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            return false;
        }

        ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
        return range is not null
            && string.Equals(range.Unit, "bytes", StringComparison.OrdinalIgnoreCase)
            && range.From == offset
            && range.To == size - 1
            && (range.Length is null || range.Length == size);
    }

    private static string FolderName(ModelPreset preset) => preset.Name.Trim().ToLowerInvariant();

    private static void ValidatePreset(ModelPreset preset)
    {
        string name = FolderName(preset);
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The preset name '{preset.Name}' cannot be a folder name.", nameof(preset));
        }

        if (string.IsNullOrWhiteSpace(preset.Repository) || string.IsNullOrWhiteSpace(preset.Revision))
        {
            throw new ArgumentException($"The preset '{preset.Name}' needs a repository and a revision.", nameof(preset));
        }

        if (preset.Files is null || preset.Files.Count == 0)
        {
            throw new ArgumentException($"The preset '{preset.Name}' lists no files.", nameof(preset));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string file in preset.Files)
        {
            bool bad = string.IsNullOrEmpty(file) || file.Contains('\\', StringComparison.Ordinal) || Path.IsPathRooted(file)
                || file.Split('/').Any(s => s.Length == 0 || s is "." or "..")
                || file.EndsWith(PartialSuffix, StringComparison.OrdinalIgnoreCase)
                || string.Equals(file, ManifestFileName, StringComparison.OrdinalIgnoreCase);
            if (bad || !seen.Add(file))
            {
                throw new ArgumentException($"The preset '{preset.Name}' lists '{file}', which is not a distinct relative repository path ('/' separated, no '..').", nameof(preset));
            }
        }
    }

    private static FileStream AcquireLock(ModelPreset preset, string folder)
    {
        string path = Path.Combine(folder, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new ModelDownloadException($"Another pull is writing into '{folder}' ({path} is locked). Wait for it to finish, then run the pull again.", preset.Repository, null, e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A partial file left behind is checked again (and replaced) by the next pull.
        }
    }

}
