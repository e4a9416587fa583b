namespace LodeDb;

/// <summary>
/// Async forms of the operations that embed nothing (vectors, removal, checkpoints). Their work is
/// a native scan or encode and a log append (an fsync under <see cref="LodeDb.Durability.Fsync"/>),
/// so the async form checks its arguments on the caller's thread (watching the token while a
/// batch is validated) and then runs on the thread pool: a UI or request thread is never blocked
/// by the scan or the disk. The token cancels a call that has not committed: a cancelled add
/// stores nothing; a commit, once started, completes (it is atomic). A batched search checks the
/// token between slices of 64 queries, all under one read lock (every query sees the same rows).
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>Queries ranked per native batch call by <see cref="SearchManyByVectorAsync"/> between cancellation checks.</summary>
    private const int QueriesPerSlice = 64;

    /// <summary>As <see cref="AddVector"/>, off the calling thread.</summary>
    public Task<string> AddVectorAsync(ReadOnlyMemory<float> vector, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(AddVectorAsync));
        VectorIngest.PendingRows rows = PrepareVector(vector.Span, id, metadata, text);
        return Task.Run(() => UpsertRows(rows)[0], cancellationToken);
    }

    /// <summary>
    /// As <see cref="AddVectors"/>, off the calling thread: a batch cancelled while it is
    /// validated or before its commit starts throws <see cref="OperationCanceledException"/> and
    /// stores nothing (all rows or none).
    /// </summary>
    public Task<IReadOnlyList<string>> AddVectorsAsync(
        IReadOnlyList<float[]> vectors,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        IReadOnlyList<string?>? texts = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(AddVectorsAsync));
        VectorIngest.PendingRows rows = VectorIngest.Prepare(Identity, vectors, ids, metadata, texts, cancellationToken, _options.StoreContentHash);
        return Task.Run(() => UpsertRows(rows, cancellationToken), cancellationToken);
    }

    /// <summary>As <see cref="SearchByVector"/>, off the calling thread.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByVectorAsync(ReadOnlyMemory<float> query, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        float[] normalized = new float[Dimension];
        VectorValidation.CopyNormalized(query.Span, Dimension, normalized, 0, nameof(query));
        return Task.Run(() => SearchVectors(normalized, 1, k, filter)[0], cancellationToken);
    }

    /// <summary>
    /// As <see cref="SearchManyByVector"/>, off the calling thread, with the token checked while
    /// the queries are validated and between slices of 64 queries.
    /// </summary>
    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchManyByVectorAsync(IReadOnlyList<float[]> queries, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        (float[] normalized, int count) = VectorIngest.NormalizeQueries(queries, Dimension, k, cancellationToken);
        return count == 0
            ? Task.FromResult<IReadOnlyList<IReadOnlyList<SearchHit>>>([])
            : Task.Run<IReadOnlyList<IReadOnlyList<SearchHit>>>(() => SearchSlices(normalized, count, k, filter, cancellationToken), cancellationToken);
    }

    private IReadOnlyList<SearchHit>[] SearchSlices(float[] normalized, int queryCount, int k, Filter? filter, CancellationToken cancellationToken)
    {
        int dim = Dimension;
        var results = new IReadOnlyList<SearchHit>[queryCount];
        _gate.EnterReadLock();
        try
        {
            for (int start = 0; start < queryCount; start += QueriesPerSlice)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfUnusable();
                int count = Math.Min(QueriesPerSlice, queryCount - start);
                float[] slice = normalized.AsSpan(start * dim, count * dim).ToArray();
                IReadOnlyList<SearchHit>[] hits = _telemetry.Run("lodedb.search", "Vector search", Diagnostics.LodeDbTelemetry.SearchDuration, activity =>
                {
                    activity?.SetTag("lodedb.mode", "vector");
                    activity?.SetTag("lodedb.queries", count);
                    activity?.SetTag("lodedb.k", k);
                    return _ranker.ByVector(Store, slice, count, k, filter);
                });
                _telemetry.Searched(count, "vector");
                hits.CopyTo(results, start);
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }

        return results;
    }

    /// <summary>As <see cref="Remove"/>, off the calling thread.</summary>
    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(RemoveAsync));
        ArgumentNullException.ThrowIfNull(id);
        return Task.Run(() => Remove(id), cancellationToken);
    }

    /// <summary>As <see cref="Persist"/>, off the calling thread (a checkpoint, once started, is not interrupted).</summary>
    public Task PersistAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(PersistAsync));
        return Task.Run(() => Persist(cancellationToken), cancellationToken);
    }
}
