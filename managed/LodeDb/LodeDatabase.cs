using System.Diagnostics;
using LodeDb.Diagnostics;
using LodeDb.Native;

namespace LodeDb;

/// <summary>
/// An embedded vector database in a folder. Open one with <see cref="Open"/> or
/// <see cref="OpenReadOnly"/>; a handle is safe to share across threads (searches run
/// concurrently, mutations one at a time). Dispose it to checkpoint and release the folder.
/// </summary>
public sealed partial class LodeDatabase : IDisposable
{
    /// <summary>The rotation seed used when <see cref="LodeDbOptions.Seed"/> is not set.</summary>
    public const ulong DefaultSeed = 0x4C4F44455F444231; // "LODE_DB1"

    /// <summary>Default bits per coordinate of a vector-only index.</summary>
    public const int DefaultBitWidth = 4;

    /// <summary>Largest accepted id, in UTF-16 code units.</summary>
    public const int MaxIdLength = 4096;

    internal const string Key = "index";
    /// <summary>The root pointer file: its presence marks a folder as a LodeDb database.</summary>
    public const string RootFileName = Key + ".commit.json";

    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly string _path;
    private readonly LodeDbOptions _options;
    private readonly EmbedderHost _embedders;
    private readonly CommitLog _log;
    private readonly Ranker _ranker;
    private readonly OperationTelemetry _telemetry;
    private SlotStore? _store;
    private WriterLock? _lock;
    private bool _disposed;

    /// <summary>The commit log (tests: group-commit counters and the sync hook).</summary>
    internal CommitLog Log => _log;

    private LodeDatabase(string path, LodeDbOptions options)
    {
        _path = path;
        _options = options;
        _embedders = new EmbedderHost(options.Embedder ?? options.SharedPresetEmbedder);
        _log = new CommitLog(path, options.CommitMode ?? EnvironmentDefaults.CommitMode(), options.Durability ?? EnvironmentDefaults.Durability(),
            options.CheckpointEveryRecords, options.CheckpointEveryBytes);
        _ranker = new Ranker(options.RescoreCandidates, options.SearchThreads);
        _telemetry = new OperationTelemetry(path, options);
        _log.Telemetry = _telemetry;
        _embedders.Telemetry = _telemetry;
    }

    /// <summary>Largest accepted <see cref="LodeDbOptions.SearchThreads"/>.</summary>
    public const int MaxSearchThreads = 64;

    /// <summary>Candidates re-ranked from the sidecar when <see cref="LodeDbOptions.RescoreCandidates"/> is not set.</summary>
    public const int DefaultRescoreCandidates = 100;

    /// <summary>Largest accepted <see cref="LodeDbOptions.RescoreCandidates"/>.</summary>
    public const int MaxRescoreCandidates = 100_000;

    /// <summary>The database folder.</summary>
    public string Path => _path;

    /// <summary>Vector dimension of the index.</summary>
    public int Dimension => Identity.Dim;

    /// <summary>Bits per coordinate (2 or 4).</summary>
    public int BitWidth => Identity.BitWidth;

    /// <summary>Rotation seed of the index.</summary>
    public ulong Seed => Identity.Seed;

    /// <summary>The index's re-score sidecar (recorded on create).</summary>
    public RescoreStorage Rescore => Identity.Rescore;

    /// <summary>True when this handle was opened read-only.</summary>
    public bool IsReadOnly => _options.ReadOnly;

    /// <summary>The handle's commit mode.</summary>
    public CommitMode CommitMode => _log.Mode;

    /// <summary>The handle's durability.</summary>
    public Durability Durability => _log.Durability;

    /// <summary>The recorded identity (read by <see cref="LodeCollection"/> to fill its manifest).</summary>
    internal StoreIdentity Identity => Store.Identity;

    /// <summary>True once <see cref="Dispose"/> ran (a collection reopens a space its caller disposed).</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>Native scan calls this handle made (tests: a chunked search is one call).</summary>
    internal long NativeScanCount => _ranker.NativeScans;

    /// <summary>The slots of an open handle (kept after Dispose for the identity; its native parts are released).</summary>
    private SlotStore Store => _store ?? throw new ObjectDisposedException(nameof(LodeDatabase));

    /// <summary>
    /// Adds (or replaces, when the id exists) one vector; returns its id (generated when null).
    /// <paramref name="text"/> is an optional caption: stored (with <c>StoreText</c>) and lexically
    /// searchable (with stored text or <c>IndexText</c>).
    /// </summary>
    public string AddVector(ReadOnlySpan<float> vector, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null)
    {
        ThrowIfReadOnly(nameof(AddVector));
        return UpsertRows(PrepareVector(vector, id, metadata, text))[0];
    }

    /// <summary>Checks one vector row and normalises the vector.</summary>
    private VectorIngest.PendingRows PrepareVector(ReadOnlySpan<float> vector, string? id, IReadOnlyDictionary<string, object?>? metadata, string? text)
    {
        float[] normalized = new float[vector.Length];
        VectorValidation.CopyNormalized(vector, Dimension, normalized, 0, "vector");
        string finalId = WriteValidation.IdOrNew(id, "id", 0);
        var batchMetadata = new[] { MetadataCodec.Normalize(metadata, nameof(metadata)) };
        string?[] captions = [WriteValidation.CheckCaption(Identity, text, 0, nameof(text))];
        return new VectorIngest.PendingRows(normalized, [finalId], batchMetadata, captions)
        {
            Hashes = _options.StoreContentHash ? LodeContentHash.Vector(vector) : null,
        };
    }

    /// <summary>
    /// Adds (or replaces by id) a batch of vectors atomically: all rows are stored or none.
    /// <paramref name="ids"/> and <paramref name="metadata"/>, when given, have one entry per
    /// vector (a null id is generated). Returns the ids in order. <paramref name="cancellationToken"/>
    /// is checked while the batch is validated and before its commit: a cancelled batch stores nothing.
    /// </summary>
    public IReadOnlyList<string> AddVectors(
        IReadOnlyList<float[]> vectors,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        IReadOnlyList<string?>? texts = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(AddVectors));
        return UpsertRows(VectorIngest.Prepare(Identity, vectors, ids, metadata, texts, cancellationToken, _options.StoreContentHash), cancellationToken);
    }

    /// <summary>Removes a row; returns whether it existed.</summary>
    public bool Remove(string id)
    {
        ThrowIfReadOnly(nameof(Remove));
        ArgumentNullException.ThrowIfNull(id);
        CommitTicket ticket;
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            SlotStore store = Store;
            if (!store.Rows.TryGetSlot(id, out _))
            {
                return false;
            }

            ticket = _log.Append(store, WalRecord.EncodeRemove(id), () => store.ApplyRemove(id));
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        _log.WaitDurable(ticket);
        LodeDbTelemetry.RowsRemoved.Add(1, _telemetry.PathTag);
        return true;
    }

    /// <summary>
    /// Checkpoints: folds the write-ahead log into a new generation and truncates the log.
    /// <paramref name="cancellationToken"/> is checked before the checkpoint starts; once started it
    /// completes (the new generation is published atomically).
    /// </summary>
    public void Persist(CancellationToken cancellationToken = default)
    {
        ThrowIfReadOnly(nameof(Persist));
        cancellationToken.ThrowIfCancellationRequested();
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            cancellationToken.ThrowIfCancellationRequested();
            if (_log.Records > 0)
            {
                _log.CheckpointGuarded(Store);
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>The row with this id, or null.</summary>
    public LodeRecord? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            return rows.TryGetSlot(id, out _) ? Record(rows, id) : null;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>True when a row with this id exists.</summary>
    public bool Contains(string id) => Get(id) is not null;

    /// <summary>Documents matching <paramref name="filter"/> (all when null) in insertion order, skipping <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    public IReadOnlyList<LodeRecord> List(Filter? filter = null, int skip = 0, int take = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            var page = new List<LodeRecord>(Math.Min(take, 1024));
            int matched = 0;
            for (int slot = 0; slot < rows.SlotCount && page.Count < take; slot++)
            {
                string? id = rows.IdAt(slot);
                if (id is null || rows.ChunkIndexAt(slot) != 0 || (filter is not null && !filter.Matches(rows.MetadataAt(slot))))
                {
                    continue;
                }

                if (matched++ >= skip)
                {
                    page.Add(Record(rows, id));
                }
            }

            return page;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Rows matching <paramref name="filter"/> (all live rows when null).</summary>
    public long Count(Filter? filter = null)
    {
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            if (filter is null)
            {
                return rows.LiveCount;
            }

            SlotMask.Build(rows, filter, out _, out int documents);
            return documents;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// The <paramref name="k"/> rows most similar (cosine) to <paramref name="query"/> among those
    /// matching <paramref name="filter"/>, best first; fewer when fewer rows match.
    /// </summary>
    public IReadOnlyList<SearchHit> SearchByVector(ReadOnlySpan<float> query, int k = 10, Filter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        float[] normalized = new float[Dimension];
        VectorValidation.CopyNormalized(query, Dimension, normalized, 0, nameof(query));
        return SearchVectors(normalized, 1, k, filter)[0];
    }

    /// <summary>
    /// Batched <see cref="SearchByVector"/>: one result list per query, in order. A cancellable
    /// <paramref name="cancellationToken"/> is checked while the queries are validated and between
    /// slices of 64 queries (all under one read lock).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<SearchHit>> SearchManyByVector(IReadOnlyList<float[]> queries, int k = 10, Filter? filter = null, CancellationToken cancellationToken = default)
    {
        (float[] normalized, int count) = VectorIngest.NormalizeQueries(queries, Dimension, k, cancellationToken);
        if (count == 0)
        {
            return [];
        }

        return cancellationToken.CanBeCanceled ? SearchSlices(normalized, count, k, filter, cancellationToken) : SearchVectors(normalized, count, k, filter);
    }

    /// <summary>Counters of the handle and the folder.</summary>
    public LodeStats Stats()
    {
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            return StoreStats.Collect(_path, Store, _log, _embedders, IsReadOnly);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Checkpoints pending log records (writers), then releases the index, the log and the writer lock.</summary>
    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!IsReadOnly && _log.Fault is null && _log.Records > 0 && _store is not null)
            {
                _log.Checkpoint(_store);
            }
        }
        finally
        {
            ReleaseResources();
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Ranks normalised query vectors under the read lock.</summary>
    private IReadOnlyList<SearchHit>[] SearchVectors(float[] normalized, int queryCount, int k, Filter? filter, string mode = "vector")
    {
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            IReadOnlyList<SearchHit>[] hits = _telemetry.Run("lodedb.search", mode == "image" ? "Image search" : "Vector search", LodeDbTelemetry.SearchDuration, activity =>
            {
                activity?.SetTag("lodedb.mode", mode);
                activity?.SetTag("lodedb.queries", queryCount);
                activity?.SetTag("lodedb.k", k);
                return _ranker.ByVector(Store, normalized, queryCount, k, filter);
            });
            _telemetry.Searched(queryCount, mode);
            return hits;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Commits vector rows (vectors, or embedded images) with their captions.</summary>
    private IReadOnlyList<string> UpsertRows(VectorIngest.PendingRows rows, CancellationToken cancellationToken = default)
    {
        (string?[] texts, IReadOnlyList<string>?[] tokens) = VectorIngest.CaptionRows(Identity, rows.Captions);
        return Upsert(rows.Normalized, rows.Ids, rows.Metadata, Enumerable.Range(0, rows.Ids.Length + 1).ToArray(), texts, tokens, rows.Hashes, cancellationToken);
    }

    /// <summary>
    /// Encodes and commits documents under the write lock (one record, all or nothing); chunk c of
    /// the flat arrays belongs to the document whose range holds it. Under Fsync the call waits for
    /// its record's fdatasync after releasing the lock (group commit: see <see cref="CommitLog.WaitDurable"/>).
    /// </summary>
    /// <remarks>The token is checked under the lock before and after the encode; the append, once started, completes (it is atomic), so a cancelled call stores nothing.</remarks>
    private IReadOnlyList<string> Upsert(float[] normalized, string[] ids, IReadOnlyDictionary<string, object?>[] metadata, int[] chunkStarts, string?[] texts, IReadOnlyList<string>?[] tokens, byte[]? hashes, CancellationToken cancellationToken = default)
    {
        // The add's duration includes waiting for its fdatasync (under Fsync).
        _telemetry.Run("lodedb.add", "Add", LodeDbTelemetry.AddDuration, activity =>
        {
            activity?.SetTag("lodedb.rows", ids.Length);
            CommitTicket ticket;
            _gate.EnterWriteLock();
            try
            {
                ThrowIfUnusable();
                cancellationToken.ThrowIfCancellationRequested();
                SlotStore store = Store;
                UpsertBatch batch = store.Encode(normalized, ids, metadata, chunkStarts, texts, tokens, hashes);
                cancellationToken.ThrowIfCancellationRequested();
                ticket = _log.Append(store, WalRecord.EncodeUpsert(batch), () => store.ApplyUpsert(batch));
            }
            finally
            {
                _gate.ExitWriteLock();
            }

            _log.WaitDurable(ticket);
            return 0;
        });
        LodeDbTelemetry.RowsAdded.Add(ids.Length, _telemetry.PathTag);
        return ids;
    }

    private void ThrowIfReadOnly(string operation)
    {
        if (IsReadOnly)
        {
            throw new ReadOnlyException(operation);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_log.Fault is string fault)
        {
            throw new LodeDatabaseException($"This handle stopped after a failed commit ({fault}); its memory may be ahead of the disk. Dispose it and open the database again.");
        }
    }

    private void ReleaseResources()
    {
        _log.Dispose();
        _store?.Dispose();
        _lock?.Dispose();
        _lock = null;
        _embedders.Dispose();
    }
}
