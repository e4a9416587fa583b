namespace LodeDb;

/// <summary>
/// Async forms of the operations that embed nothing (vectors, removal, checkpoints). Their work is
/// a native scan or encode and a log append (an fsync under <see cref="LodeDb.Durability.Fsync"/>),
/// so the async form checks its arguments on the caller's thread and then runs on the thread pool:
/// a UI or request thread is never blocked by the scan or the disk. The token cancels a call that
/// has not started yet; a commit, once started, completes (it is atomic).
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>As <see cref="AddVector"/>, off the calling thread.</summary>
    public Task<string> AddVectorAsync(ReadOnlyMemory<float> vector, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(AddVectorAsync));
        VectorIngest.PendingRows rows = PrepareVector(vector.Span, id, metadata, text);
        return Task.Run(() => UpsertRows(rows)[0], cancellationToken);
    }

    /// <summary>As <see cref="AddVectors"/>, off the calling thread.</summary>
    public Task<IReadOnlyList<string>> AddVectorsAsync(
        IReadOnlyList<float[]> vectors,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        IReadOnlyList<string?>? texts = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(AddVectorsAsync));
        VectorIngest.PendingRows rows = VectorIngest.Prepare(Identity, vectors, ids, metadata, texts);
        return Task.Run(() => UpsertRows(rows), cancellationToken);
    }

    /// <summary>As <see cref="SearchByVector"/>, off the calling thread.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchByVectorAsync(ReadOnlyMemory<float> query, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        float[] normalized = new float[Dimension];
        VectorValidation.CopyNormalized(query.Span, Dimension, normalized, 0, nameof(query));
        return Task.Run(() => SearchVectors(normalized, 1, k, filter)[0], cancellationToken);
    }

    /// <summary>As <see cref="SearchManyByVector"/>, off the calling thread.</summary>
    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchManyByVectorAsync(IReadOnlyList<float[]> queries, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        (float[] normalized, int count) = NormalizeQueries(queries, k);
        return count == 0
            ? Task.FromResult<IReadOnlyList<IReadOnlyList<SearchHit>>>([])
            : Task.Run<IReadOnlyList<IReadOnlyList<SearchHit>>>(() => SearchVectors(normalized, count, k, filter), cancellationToken);
    }

    /// <summary>As <see cref="Remove"/>, off the calling thread.</summary>
    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(RemoveAsync));
        ArgumentNullException.ThrowIfNull(id);
        return Task.Run(() => Remove(id), cancellationToken);
    }

    /// <summary>As <see cref="Persist"/>, off the calling thread.</summary>
    public Task PersistAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(PersistAsync));
        return Task.Run(Persist, cancellationToken);
    }
}
