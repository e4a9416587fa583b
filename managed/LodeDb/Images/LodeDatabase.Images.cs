using LodeDb.Images;
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

    /// <summary>
    /// True when this handle can add and search images: the index was created as image+text
    /// (its embedder implemented <see cref="IEmbeddingGenerator{DataContent, Embedding}"/>) and
    /// was opened with such an embedder.
    /// </summary>
    public bool SupportsImages => _embedders.SupportsImages(Identity);

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
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
    public string AddImage(ImageSource image, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => AddImageCoreAsync(image, id, metadata, text, cancellationToken));

    /// <summary>As <see cref="AddImage(string, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<string> AddImageAsync(string path, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImageAsync(ImageSource.FromFile(path), id, metadata, text, cancellationToken);

    /// <summary>As <see cref="AddImage(ReadOnlyMemory{byte}, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<string> AddImageAsync(ReadOnlyMemory<byte> encoded, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImageAsync(ImageSource.FromBytes(encoded), id, metadata, text, cancellationToken);

    /// <summary>As <see cref="AddImage(Stream, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<string> AddImageAsync(Stream stream, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImageAsync(ImageSource.FromStream(stream), id, metadata, text, cancellationToken);

    /// <summary>As <see cref="AddImage(ImageSource, string?, IReadOnlyDictionary{string, object?}?, string?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<string> AddImageAsync(ImageSource image, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default) =>
        AddImageCoreAsync(image, id, metadata, text, cancellationToken);

    private async Task<string> AddImageCoreAsync(ImageSource image, string? id, IReadOnlyDictionary<string, object?>? metadata, string? text, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(nameof(AddImage));
        ArgumentNullException.ThrowIfNull(image);
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder = RequireImageEmbedder(nameof(AddImage));
        string finalId = WriteValidation.IdOrNew(id, nameof(id), 0);
        IReadOnlyDictionary<string, object?> finalMetadata = MetadataCodec.Normalize(metadata, nameof(metadata));
        string? caption = WriteValidation.CheckCaption(Identity, text, 0, nameof(text));
        byte[]? hash = _options.StoreContentHash ? new byte[LodeContentHash.Bytes] : null;
        float[] normalized = await ImageIngest.EmbedOneAsync(embedder, image, query: false, nameof(AddImage), _embedders.IngestImages, Identity, cancellationToken, hash).ConfigureAwait(false);
        return UpsertRows(new VectorIngest.PendingRows(normalized, [finalId], [finalMetadata], [caption]) { Hashes = hash })[0];
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
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
    public IReadOnlyList<string> AddImages(IEnumerable<ImageItem> items, IProgress<ImageIngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => AddImagesCoreAsync(items, progress, cancellationToken));

    /// <summary>As <see cref="AddImages"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<string>> AddImagesAsync(IEnumerable<ImageItem> items, IProgress<ImageIngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        AddImagesCoreAsync(items, progress, cancellationToken);

    private async Task<IReadOnlyList<string>> AddImagesCoreAsync(IEnumerable<ImageItem> items, IProgress<ImageIngestProgress>? progress, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(nameof(AddImages));
        ArgumentNullException.ThrowIfNull(items);
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder = RequireImageEmbedder(nameof(AddImages));
        ImageIngest.PendingImages pending = ImageIngest.Prepare(Identity, items, _options.StoreContentHash, cancellationToken);
        await ImageIngest.EmbedAllAsync(embedder, pending, _options.ImageBatchSize, _options.ImageBatchMaxDecodedBytes, _embedders.IngestImages, Identity, progress, cancellationToken)
            .ConfigureAwait(false);
        return UpsertRows(pending.Rows);
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
    /// <remarks>Blocks until the embedder answers; prefer the Async form. Safe under a <see cref="SynchronizationContext"/>: the embedder then runs on the thread pool, so its awaits cannot deadlock on the blocked caller.</remarks>
    public IReadOnlyList<SearchHit> SearchByImage(ImageSource image, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => SearchByImageCoreAsync(image, k, filter, cancellationToken));

    /// <summary>As <see cref="SearchByImage(string, int, Filter?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByImageAsync(string path, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImageAsync(ImageSource.FromFile(path), k, filter, cancellationToken);

    /// <summary>As <see cref="SearchByImage(ReadOnlyMemory{byte}, int, Filter?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByImageAsync(ReadOnlyMemory<byte> encoded, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImageAsync(ImageSource.FromBytes(encoded), k, filter, cancellationToken);

    /// <summary>As <see cref="SearchByImage(Stream, int, Filter?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByImageAsync(Stream stream, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImageAsync(ImageSource.FromStream(stream), k, filter, cancellationToken);

    /// <summary>As <see cref="SearchByImage(ImageSource, int, Filter?, CancellationToken)"/>, awaiting the embedder instead of blocking on it.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByImageAsync(ImageSource image, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default) =>
        SearchByImageCoreAsync(image, k, filter, cancellationToken);

    private async Task<IReadOnlyList<SearchHit>> SearchByImageCoreAsync(ImageSource image, int k, Filter? filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder = RequireImageEmbedder(nameof(SearchByImage));
        float[] normalized = await ImageIngest.EmbedOneAsync(embedder, image, query: true, nameof(SearchByImage), _embedders.QueryImages, Identity, cancellationToken).ConfigureAwait(false);
        return SearchVectors(normalized, 1, k, filter, "image")[0];
    }

    private IEmbeddingGenerator<DataContent, Embedding<float>> RequireImageEmbedder(string operation)
    {
        ThrowIfUnusable();
        return _embedders.RequireImage(operation, Identity);
    }
}
