namespace LodeDb;

/// <summary>Record-based writes: a batch of <see cref="LodeDocument"/> in one atomic commit, with progress and cancellation.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Adds or replaces <paramref name="documents"/> in one atomic commit (all or none): text
    /// documents are chunked and embedded in batches (<paramref name="progress"/> after each),
    /// vector documents stored as given. One kind per call: all text, or all vectors. A call
    /// cancelled before its commit throws <see cref="OperationCanceledException"/> and stores
    /// nothing. Returns the ids in order.
    /// </summary>
    public async Task<IReadOnlyList<string>> UpsertAsync(IEnumerable<LodeDocument> documents, IProgress<TextIngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        LodeDocument[] batch = Materialize(documents);
        if (batch[0].Vector is not null)
        {
            return await AddVectorsAsync(Vectors(batch), Ids(batch), Metadata(batch), batch.Select(d => d.Text).ToArray(), cancellationToken).ConfigureAwait(false);
        }

        TextIngest.PendingText pending = PrepareAdd(batch.Select(d => d.Text!).ToArray(), Ids(batch), Metadata(batch));
        float[] normalized = await TextIngest.EmbedAsync(pending.Embedder, pending.Chunks, query: false, _embedders.IngestText, Identity, cancellationToken, progress).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return CommitText(pending, normalized);
    }

    /// <summary>As <see cref="UpsertAsync"/>, blocking on the embedder.</summary>
    public IReadOnlyList<string> Upsert(IEnumerable<LodeDocument> documents, IProgress<TextIngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => UpsertAsync(documents, progress, cancellationToken));

    private static LodeDocument[] Materialize(IEnumerable<LodeDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        LodeDocument[] batch = documents.ToArray();
        if (batch.Length == 0)
        {
            throw new ArgumentException("UpsertAsync needs at least one document.", nameof(documents));
        }

        bool vectors = batch[0]?.Vector is not null;
        for (int i = 0; i < batch.Length; i++)
        {
            LodeDocument document = batch[i] ?? throw new ArgumentException($"Document {i} is null.", nameof(documents));
            if (document.Vector is null && document.Text is null)
            {
                throw new ArgumentException($"Document {i} has neither Text nor Vector.", nameof(documents));
            }

            if ((document.Vector is not null) != vectors)
            {
                throw new ArgumentException($"Document {i} is a {(vectors ? "text" : "vector")} document in a batch of {(vectors ? "vector" : "text")} documents; pass one kind per call.", nameof(documents));
            }
        }

        return batch;
    }

    private static float[][] Vectors(LodeDocument[] batch) => batch.Select(d => d.Vector!.Value.ToArray()).ToArray();

    private static string?[] Ids(LodeDocument[] batch) => batch.Select(d => d.Id).ToArray();

    private static IReadOnlyDictionary<string, object?>?[] Metadata(LodeDocument[] batch) => batch.Select(d => d.Metadata).ToArray();
}
