using System.Diagnostics;
using LodeDb.Images;
using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// Images in an image+text index: an index whose embedder also implements
/// <see cref="IEmbeddingGenerator{DataContent, Embedding}"/> (image side) next to the text side.
/// Images are checked from their header (format, pixel limit) before any model call, embedded,
/// and stored as rows exactly like <see cref="AddVector"/> with an optional caption; their bytes
/// are never stored.
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>Default <see cref="LodeDbOptions.ImageBatchSize"/>: images per image-embedder call.</summary>
    public const int DefaultImageBatchSize = 16;

    /// <summary>Default <see cref="LodeDbOptions.ImageBatchMaxDecodedBytes"/>: 256 MiB of decoded RGBA pixels per batch.</summary>
    public const long DefaultImageBatchMaxDecodedBytes = 256L * 1024 * 1024;

    private readonly EmbeddingCounters _ingestImageEmbeddings = new();
    private readonly EmbeddingCounters _queryImageEmbeddings = new();

    /// <summary>
    /// True when this handle can add and search images: the index was created as image+text
    /// (its embedder implemented <see cref="IEmbeddingGenerator{DataContent, Embedding}"/>) and
    /// was opened with such an embedder.
    /// </summary>
    public bool SupportsImages => _identity.Task == StoreIdentity.ImageTextTask && _embedder is IEmbeddingGenerator<DataContent, Embedding<float>>;

    /// <summary>Adds (or replaces by id) the image file at <paramref name="path"/>; see <see cref="AddImage(ImageSource, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>.</summary>
    public string AddImage(string path, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImage(ImageSource.FromFile(path), id, metadata, text, cancellationToken);

    /// <summary>Adds (or replaces by id) an encoded image held in memory; see <see cref="AddImage(ImageSource, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>.</summary>
    public string AddImage(ReadOnlyMemory<byte> encoded, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImage(ImageSource.FromBytes(encoded), id, metadata, text, cancellationToken);

    /// <summary>Adds (or replaces by id) the image read from <paramref name="stream"/> (to its end; not disposed); see <see cref="AddImage(ImageSource, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>.</summary>
    public string AddImage(Stream stream, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImage(ImageSource.FromStream(stream), id, metadata, text, cancellationToken);

    /// <summary>
    /// Embeds an image and stores it as one row; a row with the same id (a text document with
    /// all its chunks, a vector or another image) is replaced. Returns the id (generated when
    /// null). The id, metadata and caption are checked first, then the image is read (a file is
    /// closed before the model runs) and its header checked (format, <c>LODEDB_MAX_IMAGE_PIXELS</c>),
    /// so a bad request costs no model call, counts no metric and stores nothing.
    /// </summary>
    /// <param name="image">The image; its bytes are never stored (keep a path in the metadata).</param>
    /// <param name="id">The row's id, or null to generate one.</param>
    /// <param name="metadata">Filterable metadata.</param>
    /// <param name="text">An optional caption, stored (<c>StoreText</c>) and lexically searchable (stored text or <c>IndexText</c>).</param>
    /// <param name="cancellationToken">Cancels the read and the embedding; nothing is stored.</param>
    /// <exception cref="InvalidImageException">The image is empty, not a JPEG/PNG/WebP/GIF/BMP, corrupt, or over the pixel or byte limit.</exception>
    /// <exception cref="NotSupportedException">The index is vector-only or text-only (see <see cref="SupportsImages"/>).</exception>
    /// <exception cref="InvalidOperationException">An image+text index opened with an embedder without an image side.</exception>
    /// <exception cref="ReadOnlyException">The handle is read-only.</exception>
    public string AddImage(ImageSource image, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImageCoreAsync(image, id, metadata, text, cancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="AddImage(ImageSource, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<string> AddImageAsync(ImageSource image, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImageCoreAsync(image, id, metadata, text, cancellationToken);

    private async Task<string> AddImageCoreAsync(ImageSource image, string? id, IReadOnlyDictionary<string, object?>? metadata, string? text, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(nameof(AddImage));
        ArgumentNullException.ThrowIfNull(image);
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder = RequireImageEmbedder(nameof(AddImage));
        string finalId = id is null ? NewId() : CheckId(id, nameof(id), 0);
        IReadOnlyDictionary<string, object?> finalMetadata = MetadataCodec.Normalize(metadata, nameof(metadata));
        string? caption = CheckCaption(text, 0, nameof(text));

        ReadOnlyMemory<byte> encoded = image.Read(cancellationToken);
        ImageInfo info = ModelPresetRegistry.ReadImageHeader(encoded.Span, image.Description, nameof(AddImage));
        float[] normalized = new float[Dimension];
        await EmbedImagesAsync(embedder, [Content(encoded, info, image.Description)], query: false, normalized, 0, cancellationToken).ConfigureAwait(false);
        return Upsert(normalized, [finalId], [finalMetadata], [caption])[0];
    }

    /// <summary>
    /// Adds (or replaces by id) images in one atomic commit: all rows are stored, or none (an
    /// invalid item, an embedder error or cancellation stores nothing). Every id, metadata and
    /// caption is checked, then every image is read and its header checked, before the first
    /// model call. Images are then embedded in batches of at most
    /// <see cref="LodeDbOptions.ImageBatchSize"/> images and
    /// <see cref="LodeDbOptions.ImageBatchMaxDecodedBytes"/> decoded bytes (a larger single
    /// image goes alone), so the decoded pixels in memory at once stay bounded; files are read
    /// again for their batch, stream items are held from their first read until their batch.
    /// Returns the ids in order.
    /// </summary>
    /// <param name="items">The images with their ids, metadata and captions.</param>
    /// <param name="progress">Told after each embedded batch.</param>
    /// <param name="cancellationToken">Cancels between and within batches; nothing is stored.</param>
    /// <exception cref="InvalidImageException">An item's image cannot be used (its message names the item).</exception>
    /// <exception cref="NotSupportedException">The index is vector-only or text-only.</exception>
    /// <exception cref="ReadOnlyException">The handle is read-only.</exception>
    public IReadOnlyList<string> AddImages(IEnumerable<ImageItem> items, IProgress<ImageIngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        AddImagesCoreAsync(items, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="AddImages"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<string>> AddImagesAsync(IEnumerable<ImageItem> items, IProgress<ImageIngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        AddImagesCoreAsync(items, progress, cancellationToken);

    private async Task<IReadOnlyList<string>> AddImagesCoreAsync(IEnumerable<ImageItem> items, IProgress<ImageIngestProgress>? progress, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(nameof(AddImages));
        ArgumentNullException.ThrowIfNull(items);
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder = RequireImageEmbedder(nameof(AddImages));
        ImageItem[] list = items.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("AddImages needs at least one image.", nameof(items));
        }

        var ids = new string[list.Length];
        var metadata = new IReadOnlyDictionary<string, object?>[list.Length];
        var captions = new string?[list.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Length; i++)
        {
            ImageItem item = list[i] ?? throw new ArgumentException($"Item {i} is null.", nameof(items));
            if (item.Image is null)
            {
                throw new ArgumentException($"Item {i} has no image.", nameof(items));
            }

            ids[i] = item.Id is null ? NewId() : CheckId(item.Id, nameof(items), i);
            if (!seen.Add(ids[i]))
            {
                throw new ArgumentException($"Id '{ids[i]}' appears twice in one batch; give each image its own id.", nameof(items));
            }

            metadata[i] = MetadataCodec.Normalize(item.Metadata, nameof(items), i);
            captions[i] = CheckCaption(item.Text, i, nameof(items));
        }

        // Every header is checked before the first model call, so a bad item costs no embedding.
        var infos = new ImageInfo[list.Length];
        var held = new ReadOnlyMemory<byte>?[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            ReadOnlyMemory<byte> encoded = list[i].Image.Read(cancellationToken);
            infos[i] = ModelPresetRegistry.ReadImageHeader(encoded.Span, Describe(list[i], i), nameof(AddImages));
            if (!list[i].Image.IsRereadable)
            {
                held[i] = encoded;
            }
        }

        float[] normalized = new float[checked(list.Length * Dimension)];
        for (int start = 0; start < list.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new List<DataContent>();
            long decoded = 0;
            while (start + batch.Count < list.Length
                && batch.Count < _imageBatchSize
                && (batch.Count == 0 || decoded + infos[start + batch.Count].DecodedBytes <= _imageBatchMaxDecodedBytes))
            {
                int i = start + batch.Count;
                batch.Add(Content(held[i] ?? Reread(list[i], i, infos[i], cancellationToken), infos[i], Describe(list[i], i)));
                held[i] = null;
                decoded += infos[i].DecodedBytes;
            }

            await EmbedImagesAsync(embedder, batch, query: false, normalized, start, cancellationToken).ConfigureAwait(false);
            start += batch.Count;
            progress?.Report(new ImageIngestProgress(start, list.Length));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Upsert(normalized, ids, metadata, captions);
    }

    /// <summary>The <paramref name="k"/> rows most similar to the image file at <paramref name="path"/>; see <see cref="SearchByImage(ImageSource, int, Filter?, CancellationToken)"/>.</summary>
    public IReadOnlyList<SearchHit> SearchByImage(string path, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImage(ImageSource.FromFile(path), k, filter, cancellationToken);

    /// <summary>The <paramref name="k"/> rows most similar to an encoded image in memory; see <see cref="SearchByImage(ImageSource, int, Filter?, CancellationToken)"/>.</summary>
    public IReadOnlyList<SearchHit> SearchByImage(ReadOnlyMemory<byte> encoded, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImage(ImageSource.FromBytes(encoded), k, filter, cancellationToken);

    /// <summary>The <paramref name="k"/> rows most similar to the image read from <paramref name="stream"/> (not disposed); see <see cref="SearchByImage(ImageSource, int, Filter?, CancellationToken)"/>.</summary>
    public IReadOnlyList<SearchHit> SearchByImage(Stream stream, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImage(ImageSource.FromStream(stream), k, filter, cancellationToken);

    /// <summary>
    /// The <paramref name="k"/> rows (images, text documents at their best chunk, vectors) most
    /// similar to <paramref name="image"/>, embedded by the image side of the index's embedder
    /// (with <c>lodedb.purpose = "query"</c>), among those matching <paramref name="filter"/>,
    /// best first; fewer when fewer match. Works on read-only handles.
    /// </summary>
    /// <exception cref="InvalidImageException">The query image cannot be used.</exception>
    /// <exception cref="NotSupportedException">The index is vector-only or text-only.</exception>
    public IReadOnlyList<SearchHit> SearchByImage(ImageSource image, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImageCoreAsync(image, k, filter, cancellationToken).GetAwaiter().GetResult();

    /// <summary>As <see cref="SearchByImage(ImageSource, int, Filter?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByImageAsync(ImageSource image, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImageCoreAsync(image, k, filter, cancellationToken);

    private async Task<IReadOnlyList<SearchHit>> SearchByImageCoreAsync(ImageSource image, int k, Filter? filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder = RequireImageEmbedder(nameof(SearchByImage));
        ReadOnlyMemory<byte> encoded = image.Read(cancellationToken);
        ImageInfo info = ModelPresetRegistry.ReadImageHeader(encoded.Span, image.Description, nameof(SearchByImage));
        float[] normalized = new float[Dimension];
        await EmbedImagesAsync(embedder, [Content(encoded, info, image.Description)], query: true, normalized, 0, cancellationToken).ConfigureAwait(false);
        return SearchCore(normalized, 1, k, filter)[0];
    }

    /// <summary>The task recorded for an index created with <paramref name="embedder"/>: image+text when it has an image side.</summary>
    private static string TaskFor(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        embedder is IEmbeddingGenerator<DataContent, Embedding<float>> ? StoreIdentity.ImageTextTask : StoreIdentity.TextTask;

    /// <summary>
    /// On open: a text index refuses an embedder with an image side (it was not created for
    /// images, so its space is not known to hold them). An image+text index opened with a
    /// text-only embedder opens; its image calls then throw.
    /// </summary>
    private static void CheckImageTask(string path, StoreIdentity stored, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        if (stored.Task == StoreIdentity.TextTask && TaskFor(embedder) == StoreIdentity.ImageTextTask)
        {
            throw new IdentityMismatchException(path, "Task", StoreIdentity.TextTask, StoreIdentity.ImageTextTask);
        }
    }

    private static void ValidateImageOptions(LodeDbOptions options)
    {
        if (options.ImageBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ImageBatchSize, "ImageBatchSize must be at least 1.");
        }

        if (options.ImageBatchMaxDecodedBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ImageBatchMaxDecodedBytes, "ImageBatchMaxDecodedBytes must be at least 1.");
        }
    }

    private IEmbeddingGenerator<DataContent, Embedding<float>> RequireImageEmbedder(string operation)
    {
        ThrowIfUnusable();
        if (_identity.Kind == StoreIdentity.VectorKind)
        {
            throw new NotSupportedException($"{operation} needs an image+text index, but this is a vector-only index ({Dimension} dimensions, no embedder). Embed images yourself and use AddVector/SearchByVector, or create an index with an Embedder that also implements IEmbeddingGenerator<DataContent, Embedding<float>>.");
        }

        if (_identity.Task != StoreIdentity.ImageTextTask)
        {
            string route = _identity.Kind == StoreIdentity.PresetKind ? $"the text preset \"{PresetNameOf(_identity)}\"" : $"the custom text embedder \"{_identity.Model}\"";
            throw new NotSupportedException($"{operation} needs an image+text index, but this is a text index ({route}, task \"{_identity.Task}\"): its embedder embeds text only. Create the index with an Embedder that also implements IEmbeddingGenerator<DataContent, Embedding<float>>.");
        }

        return _embedder as IEmbeddingGenerator<DataContent, Embedding<float>>
            ?? throw new InvalidOperationException($"{operation}: this image+text index (\"{_identity.Model}\") was opened with an embedder that has no image side. Open it with an Embedder that also implements IEmbeddingGenerator<DataContent, Embedding<float>> to add or search images; text calls work as they are.");
    }

    private static string Describe(ImageItem item, int index) => $"#{index} ({item.Image.Description})";

    /// <summary>The embedder's input, named so an embedder's own error names the file (or item), not its position in one batch.</summary>
    private static DataContent Content(ReadOnlyMemory<byte> encoded, ImageInfo info, string name) => new(encoded, info.MediaType) { Name = name };

    /// <summary>Reads a file item again for its batch and re-checks its header: the file may have changed since the first check.</summary>
    private static ReadOnlyMemory<byte> Reread(ImageItem item, int index, ImageInfo checkedInfo, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> encoded = item.Image.Read(cancellationToken);
        if (item.Image.Path is not null && ModelPresetRegistry.ReadImageHeader(encoded.Span, Describe(item, index), nameof(AddImages)) != checkedInfo)
        {
            throw new IOException($"The image file {item.Image.Path} (item #{index}) changed while AddImages ran; nothing was stored. Run it again.");
        }

        return encoded;
    }

    /// <summary>Embeds one batch of images into rows <paramref name="firstRow"/>.. of <paramref name="destination"/>, validated and L2-normalised.</summary>
    private async Task EmbedImagesAsync(
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder, IReadOnlyList<DataContent> images, bool query, float[] destination, int firstRow, CancellationToken cancellationToken)
    {
        EmbeddingCounters counters = query ? _queryImageEmbeddings : _ingestImageEmbeddings;
        int dim = Dimension;
        long started = Stopwatch.GetTimestamp();
        counters.Called();
        try
        {
            GeneratedEmbeddings<Embedding<float>> embeddings = await embedder
                .GenerateAsync(images, query ? QueryOptions : null, cancellationToken)
                .ConfigureAwait(false);
            if (embeddings.Count != images.Count)
            {
                throw new LodeDatabaseException($"The image embedder of '{_identity.Model}' returned {embeddings.Count} embeddings for {images.Count} images.");
            }

            for (int i = 0; i < images.Count; i++)
            {
                ReadOnlySpan<float> vector = embeddings[i].Vector.Span;
                if (vector.Length != dim)
                {
                    throw new LodeDatabaseException($"The image embedder of '{_identity.Model}' returned a {vector.Length}-dimensional embedding; this index is pinned to {dim} dimensions. Its image and text sides must share one space.");
                }

                VectorValidation.CopyNormalized(vector, dim, destination, firstRow + i, "embedding");
            }

            counters.Succeeded(images.Count, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A cancelled call is the caller's choice, not an embedder failure.
            throw;
        }
        catch
        {
            counters.Failed(Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
