using System.Diagnostics;
using LodeDb.Images;
using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// Images on their way in: ids, metadata and captions checked, every header checked (format,
/// pixel limit) before the first model call, then embedding in batches bounded by count and
/// decoded bytes; each embedding validated and L2-normalised. Image bytes are never stored.
/// </summary>
internal static class ImageIngest
{
    /// <summary>Checked items waiting for their embeddings: the rows, each image's header, and the bytes of items that cannot be read twice.</summary>
    public sealed record PendingImages(ImageItem[] Items, VectorIngest.PendingRows Rows, ImageInfo[] Infos, ReadOnlyMemory<byte>?[] Held);

    /// <summary>Checks every item of an <c>AddImages</c> call, then reads every image and checks its header.</summary>
    public static PendingImages Prepare(StoreIdentity identity, IEnumerable<ImageItem> items, bool contentHashes, CancellationToken cancellationToken)
    {
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

            ids[i] = WriteValidation.IdOrNew(item.Id, nameof(items), i);
            if (!seen.Add(ids[i]))
            {
                throw new ArgumentException($"Id '{ids[i]}' appears twice in one batch; give each image its own id.", nameof(items));
            }

            metadata[i] = MetadataCodec.Normalize(item.Metadata, nameof(items), i);
            captions[i] = WriteValidation.CheckCaption(identity, item.Text, i, nameof(items));
        }

        // Every header is checked before the first model call, so a bad item costs no embedding.
        var infos = new ImageInfo[list.Length];
        var held = new ReadOnlyMemory<byte>?[list.Length];
        // Filled by EmbedAllAsync from the bytes each row is embedded from (a file is read again
        // there, and may have changed in a way its header does not show).
        byte[]? hashes = contentHashes ? new byte[checked(list.Length * LodeContentHash.Bytes)] : null;
        for (int i = 0; i < list.Length; i++)
        {
            ReadOnlyMemory<byte> encoded = list[i].Image.Read(cancellationToken);
            infos[i] = ModelPresetRegistry.ReadImageHeader(encoded.Span, Describe(list[i], i), nameof(LodeDatabase.AddImages));
            if (!list[i].Image.IsRereadable)
            {
                held[i] = encoded;
            }
        }

        var rows = new VectorIngest.PendingRows(new float[checked(list.Length * identity.Dim)], ids, metadata, captions) { Hashes = hashes };
        return new PendingImages(list, rows, infos, held);
    }

    /// <summary>
    /// Embeds the pending images into their rows in batches of at most <paramref name="batchSize"/>
    /// images and <paramref name="maxDecodedBytes"/> decoded bytes (a larger single image goes
    /// alone); files are read again for their batch, stream items were held since their first read.
    /// </summary>
    public static async Task EmbedAllAsync(
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder, PendingImages pending, int batchSize, long maxDecodedBytes,
        EmbeddingCounters counters, StoreIdentity identity, IProgress<ImageIngestProgress>? progress, CancellationToken cancellationToken)
    {
        ImageItem[] list = pending.Items;
        for (int start = 0; start < list.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new List<DataContent>();
            long decoded = 0;
            while (start + batch.Count < list.Length
                && batch.Count < batchSize
                && (batch.Count == 0 || decoded + pending.Infos[start + batch.Count].DecodedBytes <= maxDecodedBytes))
            {
                int i = start + batch.Count;
                ReadOnlyMemory<byte> encoded = pending.Held[i] ?? Reread(list[i], i, pending.Infos[i], cancellationToken);
                if (pending.Rows.Hashes is byte[] hashes)
                {
                    System.Security.Cryptography.SHA256.HashData(encoded.Span, hashes.AsSpan(i * LodeContentHash.Bytes));
                }

                batch.Add(Content(encoded, pending.Infos[i], Describe(list[i], i)));
                pending.Held[i] = null;
                decoded += pending.Infos[i].DecodedBytes;
            }

            await EmbedAsync(embedder, batch, query: false, pending.Rows.Normalized, start, counters, identity, cancellationToken).ConfigureAwait(false);
            start += batch.Count;
            progress?.Report(new ImageIngestProgress(start, list.Length));
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Reads one image (a query, or the single item of <c>AddImage</c>), checks its header and embeds it, normalised;
    /// a non-null <c>hash</c> (32 bytes) receives the SHA-256 of the encoded image (the row's content hash).
    /// </summary>
    public static async Task<float[]> EmbedOneAsync(
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder, ImageSource image, bool query, string operation, EmbeddingCounters counters, StoreIdentity identity, CancellationToken cancellationToken,
        byte[]? hash = null)
    {
        ReadOnlyMemory<byte> encoded = image.Read(cancellationToken);
        ImageInfo info = ModelPresetRegistry.ReadImageHeader(encoded.Span, image.Description, operation);
        if (hash is not null)
        {
            System.Security.Cryptography.SHA256.HashData(encoded.Span, hash);
        }

        float[] normalized = new float[identity.Dim];
        await EmbedAsync(embedder, [Content(encoded, info, image.Description)], query, normalized, 0, counters, identity, cancellationToken).ConfigureAwait(false);
        return normalized;
    }

    private static string Describe(ImageItem item, int index) => $"#{index} ({item.Image.Description})";

    /// <summary>The embedder's input, named so an embedder's own error names the file (or item), not its position in one batch.</summary>
    private static DataContent Content(ReadOnlyMemory<byte> encoded, ImageInfo info, string name) => new(encoded, info.MediaType) { Name = name };

    /// <summary>Reads a file item again for its batch and re-checks its header: the file may have changed since the first check.</summary>
    private static ReadOnlyMemory<byte> Reread(ImageItem item, int index, ImageInfo checkedInfo, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> encoded = item.Image.Read(cancellationToken);
        if (item.Image.Path is not null && ModelPresetRegistry.ReadImageHeader(encoded.Span, Describe(item, index), nameof(LodeDatabase.AddImages)) != checkedInfo)
        {
            throw new IOException($"The image file {item.Image.Path} (item #{index}) changed while AddImages ran; nothing was stored. Run it again.");
        }

        return encoded;
    }

    /// <summary>Embeds one batch of images into rows <paramref name="firstRow"/>.. of <paramref name="destination"/>, validated and L2-normalised.</summary>
    private static async Task EmbedAsync(
        IEmbeddingGenerator<DataContent, Embedding<float>> embedder, IReadOnlyList<DataContent> images, bool query, float[] destination, int firstRow,
        EmbeddingCounters counters, StoreIdentity identity, CancellationToken cancellationToken)
    {
        int dim = identity.Dim;
        long started = Stopwatch.GetTimestamp();
        counters.Called();
        try
        {
            GeneratedEmbeddings<Embedding<float>> embeddings = await embedder
                .GenerateAsync(images, query ? TextIngest.QueryOptions : null, cancellationToken)
                .ConfigureAwait(false);
            if (embeddings.Count != images.Count)
            {
                throw new LodeDatabaseException($"The image embedder of '{identity.Model}' returned {embeddings.Count} embeddings for {images.Count} images.");
            }

            for (int i = 0; i < images.Count; i++)
            {
                ReadOnlySpan<float> vector = embeddings[i].Vector.Span;
                if (vector.Length != dim)
                {
                    throw new LodeDatabaseException($"The image embedder of '{identity.Model}' returned a {vector.Length}-dimensional embedding; this index is pinned to {dim} dimensions. Its image and text sides must share one space.");
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
