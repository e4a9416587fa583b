namespace LodeDb;

/// <summary>
/// Task-returning forms of the vector operations, with cancellation. The work is CPU-bound (SIMD
/// scans, encoding) and runs on the calling thread; the token is checked while a batch is
/// validated and between slices of a batched search, and a cancelled add stores nothing (its
/// one commit never starts). Offload with <c>Task.Run</c> to keep a UI thread free.
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>Queries ranked per native batch call by <see cref="SearchManyByVectorAsync"/> between cancellation checks.</summary>
    private const int QueriesPerSlice = 64;

    /// <summary>As <see cref="AddVector"/>, with cancellation.</summary>
    public Task<string> AddVectorAsync(ReadOnlyMemory<float> vector, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(AddVector(vector.Span, id, metadata, text));
    }

    /// <summary>
    /// As <see cref="AddVectors"/>, with cancellation: a batch cancelled while it is validated
    /// throws <see cref="OperationCanceledException"/> and stores nothing (all rows or none).
    /// </summary>
    public Task<IReadOnlyList<string>> AddVectorsAsync(
        IReadOnlyList<float[]> vectors,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        IReadOnlyList<string?>? texts = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(AddVectorsAsync));
        VectorIngest.PendingRows rows = VectorIngest.Prepare(Identity, vectors, ids, metadata, texts, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(UpsertRows(rows));
    }

    /// <summary>As <see cref="SearchByVector"/>, with cancellation.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByVectorAsync(ReadOnlyMemory<float> query, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(SearchByVector(query.Span, k, filter));
    }

    /// <summary>
    /// As <see cref="SearchManyByVector"/>, with cancellation checked while the queries are
    /// validated and between slices of 64 queries (one read lock for the whole call, so every
    /// query sees the same rows).
    /// </summary>
    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchManyByVectorAsync(IReadOnlyList<float[]> queries, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int dim = Dimension;
        float[] normalized = new float[checked(queries.Count * dim)];
        for (int i = 0; i < queries.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            VectorValidation.CopyNormalized(queries[i] ?? throw new ArgumentException($"Query {i} is null.", nameof(queries)), dim, normalized, i, nameof(queries));
        }

        var results = new IReadOnlyList<SearchHit>[queries.Count];
        _gate.EnterReadLock();
        try
        {
            for (int start = 0; start < queries.Count; start += QueriesPerSlice)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfUnusable();
                int count = Math.Min(QueriesPerSlice, queries.Count - start);
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

        return Task.FromResult<IReadOnlyList<IReadOnlyList<SearchHit>>>(results);
    }

    /// <summary>As <see cref="Remove"/>, with cancellation (checked before the commit).</summary>
    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Remove(id));
    }

    /// <summary>As <see cref="Persist"/>, with cancellation (checked before the checkpoint starts; a checkpoint is not interrupted).</summary>
    public Task PersistAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Persist();
        return Task.CompletedTask;
    }
}
