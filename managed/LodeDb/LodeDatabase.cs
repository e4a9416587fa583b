using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LodeDb.Embeddings.Onnx;
using LodeDb.Lexical;
using LodeDb.Native;
using LodeDb.Native.Interop;
using Microsoft.Extensions.AI;

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
    private readonly bool _readOnly;
    private readonly CommitMode _commitMode;
    private readonly Durability _durability;
    private readonly int _checkpointRecords;
    private readonly long _checkpointBytes;
    private IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private bool _ownsEmbedder;
    private readonly int _maxChunkChars;
    private readonly int _imageBatchSize;
    private readonly long _imageBatchMaxDecodedBytes;
    private Bm25Index? _bm25;
    private readonly EmbeddingCounters _ingestEmbeddings = new();
    private readonly EmbeddingCounters _queryEmbeddings = new();

    private StoreIdentity _identity = new();
    private NativeIndex? _index;
    private RescoreStore? _rescore;
    private readonly int _rescoreCandidates;
    private readonly int? _searchThreads;
    private SlotTable _rows = new();
    private WriterLock? _lock;
    private NativeWal? _wal;
    private long _generation;
    private long _baseGeneration;
    private long _walRecords;
    private long _walBytes;
    private bool _disposed;
    private string? _faulted;

    private LodeDatabase(string path, LodeDbOptions options)
    {
        _path = path;
        _readOnly = options.ReadOnly;
        _commitMode = options.CommitMode ?? EnvironmentDefaults.CommitMode();
        _durability = options.Durability ?? EnvironmentDefaults.Durability();
        _checkpointRecords = options.CheckpointEveryRecords;
        _checkpointBytes = options.CheckpointEveryBytes;
        _embedder = options.Embedder;
        _maxChunkChars = options.MaxChunkChars;
        _imageBatchSize = options.ImageBatchSize;
        _imageBatchMaxDecodedBytes = options.ImageBatchMaxDecodedBytes;
        _rescoreCandidates = options.RescoreCandidates;
        _searchThreads = options.SearchThreads;
    }

    /// <summary>The database folder.</summary>
    public string Path => _path;

    /// <summary>Vector dimension of the index.</summary>
    public int Dimension => _identity.Dim;

    /// <summary>Bits per coordinate (2 or 4).</summary>
    public int BitWidth => _identity.BitWidth;

    /// <summary>Rotation seed of the index.</summary>
    public ulong Seed => _identity.Seed;

    /// <summary>True when this handle was opened read-only.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The handle's commit mode.</summary>
    public CommitMode CommitMode => _commitMode;

    /// <summary>The handle's durability.</summary>
    public Durability Durability => _durability;

    /// <summary>The recorded identity (read by <see cref="LodeCollection"/> to fill its manifest).</summary>
    internal StoreIdentity Identity => _identity;

    /// <summary>True once <see cref="Dispose"/> ran (a collection reopens a space its caller disposed).</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>
    /// Opens the database in <paramref name="path"/>, creating the folder and an index when it
    /// holds none: vector-only (<see cref="LodeDbOptions.VectorDim"/>) or text through a custom
    /// embedder (<see cref="LodeDbOptions.Embedder"/> + <see cref="LodeDbOptions.ModelName"/>), or
    /// text through a preset model (<see cref="LodeDbOptions.Model"/> "minilm" | "bge", files from
    /// <see cref="LodeDbOptions.ModelDirectory"/>, else <c>LODEDB_MODEL_DIR</c>, else the per-user cache).
    /// Identity options that are set must match the recorded identity; a custom-embedder index
    /// needs its embedder on every open; a preset index loads its recorded preset.
    /// </summary>
    /// <exception cref="ModelNotFoundException">A preset's model folder or file is missing; the message gives <c>lodedb models pull &lt;preset&gt;</c>.</exception>
    /// <exception cref="ModelFormatException">The preset's folder holds a model that does not fit it (e.g. another dimension).</exception>
    /// <exception cref="IdentityMismatchException">An identity option differs from the recorded one.</exception>
    /// <exception cref="ConcurrentWriterException">Another writer holds the folder past the lock timeout.</exception>
    /// <exception cref="CorruptDatabaseException">A committed file fails its checks.</exception>
    /// <exception cref="FolderKindMismatchException">The folder is the root of a <see cref="LodeCollection"/>.</exception>
    public static LodeDatabase Open(string path, LodeDbOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new LodeDbOptions();
        ValidateOptions(options);
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new ArgumentException($"'{full}' is a file; a LodeDb database is a folder. Pass a folder path.", nameof(path));
        }

        if (File.Exists(System.IO.Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            throw FolderKindMismatchException.CollectionOpenedAsIndex(full);
        }

        var database = new LodeDatabase(full, options);
        try
        {
            if (options.ReadOnly)
            {
                database.LoadReadOnly(options);
            }
            else
            {
                if (options.Model is not null && !File.Exists(System.IO.Path.Combine(full, RootFileName)))
                {
                    // Creating a preset index: load the model first, so a missing or wrong model
                    // folder fails before anything is written (not even the folder).
                    database.OpenPresetEmbedder(options.Model, options);
                }

                Directory.CreateDirectory(full);
                database._lock = WriterLock.Acquire(full, options.LockTimeout ?? EnvironmentDefaults.LockTimeout());
                database.LoadForWriting(options);
            }

            return database;
        }
        catch
        {
            database.ReleaseResources();
            throw;
        }
    }

    /// <summary>Opens an existing database without the writer lock; every mutating call throws <see cref="ReadOnlyException"/>.</summary>
    public static LodeDatabase OpenReadOnly(string path) => Open(path, new LodeDbOptions { ReadOnly = true });

    /// <summary>
    /// Adds (or replaces, when the id exists) one vector; returns its id (generated when null).
    /// <paramref name="text"/> is an optional caption: stored (with <c>StoreText</c>) and lexically
    /// searchable (with stored text or <c>IndexText</c>).
    /// </summary>
    public string AddVector(ReadOnlySpan<float> vector, string? id = null, IReadOnlyDictionary<string, object?>? metadata = null, string? text = null)
    {
        ThrowIfReadOnly(nameof(AddVector));
        float[] normalized = new float[vector.Length];
        VectorValidation.CopyNormalized(vector, Dimension, normalized, 0, "vector");
        string finalId = id is null ? NewId() : CheckId(id, "id", 0);
        var batchMetadata = new[] { MetadataCodec.Normalize(metadata, nameof(metadata)) };
        string?[] captions = [CheckCaption(text, 0, nameof(text))];
        return Upsert(normalized, [finalId], batchMetadata, captions)[0];
    }

    /// <summary>
    /// Adds (or replaces by id) a batch of vectors atomically: all rows are stored or none.
    /// <paramref name="ids"/> and <paramref name="metadata"/>, when given, have one entry per
    /// vector (a null id is generated). Returns the ids in order.
    /// </summary>
    public IReadOnlyList<string> AddVectors(
        IReadOnlyList<float[]> vectors,
        IReadOnlyList<string?>? ids = null,
        IReadOnlyList<IReadOnlyDictionary<string, object?>?>? metadata = null,
        IReadOnlyList<string?>? texts = null)
    {
        ThrowIfReadOnly(nameof(AddVectors));
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0)
        {
            throw new ArgumentException("AddVectors needs at least one vector.", nameof(vectors));
        }

        if (ids is not null && ids.Count != vectors.Count)
        {
            throw new ArgumentException($"{ids.Count} ids were given for {vectors.Count} vectors; pass one id (or null) per vector.", nameof(ids));
        }

        if (metadata is not null && metadata.Count != vectors.Count)
        {
            throw new ArgumentException($"{metadata.Count} metadata entries were given for {vectors.Count} vectors; pass one (or null) per vector.", nameof(metadata));
        }

        if (texts is not null && texts.Count != vectors.Count)
        {
            throw new ArgumentException($"{texts.Count} captions were given for {vectors.Count} vectors; pass one (or null) per vector.", nameof(texts));
        }

        int dim = Dimension;
        float[] normalized = new float[checked(vectors.Count * dim)];
        var finalIds = new string[vectors.Count];
        var finalMetadata = new IReadOnlyDictionary<string, object?>[vectors.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < vectors.Count; i++)
        {
            float[] vector = vectors[i] ?? throw new ArgumentException($"Vector {i} is null.", nameof(vectors));
            VectorValidation.CopyNormalized(vector, dim, normalized, i, nameof(vectors));
            string? given = ids?[i];
            finalIds[i] = given is null ? NewId() : CheckId(given, nameof(ids), i);
            if (!seen.Add(finalIds[i]))
            {
                throw new ArgumentException($"Id '{finalIds[i]}' appears twice in one batch; give each row its own id.", nameof(ids));
            }

            finalMetadata[i] = MetadataCodec.Normalize(metadata?[i], nameof(metadata), i);
        }

        var captions = new string?[vectors.Count];
        for (int i = 0; i < captions.Length; i++)
        {
            captions[i] = CheckCaption(texts?[i], i, nameof(texts));
        }

        return Upsert(normalized, finalIds, finalMetadata, captions);
    }

    /// <summary>Removes a row; returns whether it existed.</summary>
    public bool Remove(string id)
    {
        ThrowIfReadOnly(nameof(Remove));
        ArgumentNullException.ThrowIfNull(id);
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            if (!_rows.TryGetSlot(id, out _))
            {
                return false;
            }

            Commit(WalRecord.EncodeRemove(id), () => ApplyRemove(id));
            return true;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Checkpoints: folds the write-ahead log into a new generation and truncates the log.</summary>
    public void Persist()
    {
        ThrowIfReadOnly(nameof(Persist));
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            if (_walRecords > 0)
            {
                CheckpointGuarded();
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
            return _rows.TryGetSlot(id, out int slot) ? new LodeRecord(id, _rows.MetadataAt(slot)) : null;
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
            var page = new List<LodeRecord>(Math.Min(take, 1024));
            int matched = 0;
            for (int slot = 0; slot < _rows.SlotCount && page.Count < take; slot++)
            {
                string? id = _rows.IdAt(slot);
                if (id is null || _rows.ChunkIndexAt(slot) != 0 || (filter is not null && !filter.Matches(_rows.MetadataAt(slot))))
                {
                    continue;
                }

                if (matched++ >= skip)
                {
                    page.Add(new LodeRecord(id, _rows.MetadataAt(slot)));
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
            if (filter is null)
            {
                return _rows.LiveCount;
            }

            BuildMask(filter, out _, out int documents);
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
        return SearchCore(normalized, 1, k, filter)[0];
    }

    /// <summary>Batched <see cref="SearchByVector"/>: one result list per query, in order.</summary>
    public IReadOnlyList<IReadOnlyList<SearchHit>> SearchManyByVector(IReadOnlyList<float[]> queries, int k = 10, Filter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queries.Count == 0)
        {
            return [];
        }

        float[] normalized = new float[checked(queries.Count * Dimension)];
        for (int i = 0; i < queries.Count; i++)
        {
            VectorValidation.CopyNormalized(queries[i] ?? throw new ArgumentException($"Query {i} is null.", nameof(queries)), Dimension, normalized, i, nameof(queries));
        }

        return SearchCore(normalized, queries.Count, k, filter);
    }

    /// <summary>Counters of the handle and the folder.</summary>
    public LodeStats Stats()
    {
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            long disk = 0;
            foreach (string file in Directory.EnumerateFiles(_path))
            {
                try
                {
                    disk += new FileInfo(file).Length;
                }
                catch (IOException)
                {
                    // A file removed by a concurrent checkpoint: it no longer counts.
                }
            }

            return new LodeStats
            {
                Count = _rows.LiveCount,
                SlotCount = _rows.SlotCount,
                Dimension = Dimension,
                BitWidth = BitWidth,
                Generation = _generation,
                WalRecords = _walRecords,
                WalBytes = _walBytes,
                DiskBytes = disk,
                IndexMemoryBytes = checked((long)Index.Info.MemoryBytes),
                Rescore = _identity.Rescore,
                RescoreDiskBytes = _rescore?.FileBytes ?? 0,
                RescoreMapped = _rescore?.IsMapped ?? false,
                RescoreOverflowRows = _rescore?.OverflowRows ?? 0,
                SimdLevel = NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel),
                CommitMode = _commitMode,
                Durability = _durability,
                ReadOnly = _readOnly,
                IngestEmbeddings = _ingestEmbeddings.Snapshot(),
                QueryEmbeddings = _queryEmbeddings.Snapshot(),
                IngestImageEmbeddings = ImageEmbeddingMetrics.From(_ingestImageEmbeddings.Snapshot()),
                QueryImageEmbeddings = ImageEmbeddingMetrics.From(_queryImageEmbeddings.Snapshot()),
            };
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
            if (!_readOnly && _faulted is null && _walRecords > 0)
            {
                Checkpoint();
            }
        }
        finally
        {
            ReleaseResources();
            _gate.ExitWriteLock();
        }
    }

    private NativeIndex Index => _index ?? throw new ObjectDisposedException(nameof(LodeDatabase));

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Checks the id of item <paramref name="index"/> of a write: length, and well-formed UTF-16 (it is stored as UTF-8).</summary>
    private static string CheckId(string id, string argumentName, int index)
    {
        if (id.Length == 0)
        {
            throw new ArgumentException("An id must be a non-empty string (pass null to have one generated).", argumentName);
        }

        if (id.Length > MaxIdLength)
        {
            throw new ArgumentException($"An id is at most {MaxIdLength} characters; this one has {id.Length}.", argumentName);
        }

        return StringValidation.WellFormed(id, "id", index, argumentName);
    }

    private void ThrowIfReadOnly(string operation)
    {
        if (_readOnly)
        {
            throw new ReadOnlyException(operation);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted is not null)
        {
            throw new LodeDatabaseException($"This handle stopped after a failed commit ({_faulted}); its memory may be ahead of the disk. Dispose it and open the database again.");
        }
    }

    private static void ValidateOptions(LodeDbOptions options)
    {
        if (options.Embedder is not null)
        {
            if (options.VectorDim is not null)
            {
                throw new ArgumentException($"Embedder and VectorDim = {options.VectorDim} are mutually exclusive: a custom embedder fixes the dimension. Set one of them.", nameof(options));
            }

            if (options.Model is not null)
            {
                throw new ArgumentException($"Embedder and Model = \"{options.Model}\" are mutually exclusive: pick a preset or a custom embedder, not both.", nameof(options));
            }

            if (string.IsNullOrWhiteSpace(options.ModelName))
            {
                throw new ArgumentException("A custom Embedder needs a non-empty ModelName: it is recorded in the index and checked on every open, so vectors of another model are never mixed in.", nameof(options));
            }

            StringValidation.WellFormed(options.ModelName, "ModelName", 0, nameof(options));
        }
        else if (options.ModelName is not null)
        {
            throw new ArgumentException($"ModelName = \"{options.ModelName}\" names a custom Embedder, but no Embedder is set. Pass the embedder too.", nameof(options));
        }

        ValidateImageOptions(options);
        if (options.MaxChunkChars < MinChunkChars)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxChunkChars, $"MaxChunkChars must be at least {MinChunkChars}.");
        }

        if (options.ModelDirectory is not null && (options.VectorDim is not null || options.Embedder is not null))
        {
            string other = options.VectorDim is not null ? $"VectorDim = {options.VectorDim}" : "Embedder";
            throw new ArgumentException($"ModelDirectory = \"{options.ModelDirectory}\" and {other} are mutually exclusive: ModelDirectory locates the files of a Model preset. Set one of them.", nameof(options));
        }

        if (options.Model is not null && options.VectorDim is not null)
        {
            throw new ArgumentException($"Model = \"{options.Model}\" and VectorDim = {options.VectorDim} are mutually exclusive: a preset fixes its dimension. Set one of them.", nameof(options));
        }

        if (options.VectorDim is int dim && (dim < 1 || dim > NativeConstants.MaxDimension))
        {
            throw new ArgumentOutOfRangeException(nameof(options), dim, $"VectorDim must be between 1 and {NativeConstants.MaxDimension}.");
        }

        if (options.BitWidth is int bits && bits is not (2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(options), bits, "BitWidth must be 2 or 4.");
        }

        if (options.WithoutEmbedder && (!options.ReadOnly || options.Embedder is not null || options.Model is not null))
        {
            throw new ArgumentException("WithoutEmbedder opens an existing database read-only with no model: set ReadOnly and neither Embedder nor Model.", nameof(options));
        }

        if (options.Model is string model)
        {
            if (!ModelPresets.Names.Contains(model))
            {
                throw new ArgumentException($"Model \"{model}\" is not a preset; use one of {string.Join(", ", ModelPresets.Names)}, or VectorDim for a vector-only index.", nameof(options));
            }

            if (options.BitWidth is int presetBits && presetBits != DefaultBitWidth)
            {
                throw new ArgumentException($"Model = \"{model}\" and BitWidth = {presetBits} conflict: a preset stores {DefaultBitWidth}-bit codes. Leave BitWidth unset (or set it to {DefaultBitWidth}).", nameof(options));
            }
        }

        if (options.Rescore is RescoreStorage rescore && !Enum.IsDefined(rescore))
        {
            throw new ArgumentOutOfRangeException(nameof(options), rescore, "Rescore must be None, Int8 or Float16.");
        }

        if (options.SearchThreads is int searchThreads && (searchThreads < 1 || searchThreads > MaxSearchThreads))
        {
            throw new ArgumentOutOfRangeException(nameof(options), searchThreads, $"SearchThreads must be between 1 and {MaxSearchThreads} (or unset for automatic).");
        }

        if (options.RescoreCandidates < 1 || options.RescoreCandidates > MaxRescoreCandidates)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RescoreCandidates, $"RescoreCandidates must be between 1 and {MaxRescoreCandidates}.");
        }

        if (options.CheckpointEveryRecords < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEveryRecords, "CheckpointEveryRecords must be at least 1.");
        }

        if (options.CheckpointEveryBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEveryBytes, "CheckpointEveryBytes must be at least 1.");
        }

        if (options.LockTimeout is TimeSpan timeout && timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "LockTimeout must not be negative.");
        }
    }

    private static void CheckIdentity(string path, StoreIdentity stored, LodeDbOptions options)
    {
        if (stored.FormatVersion > StoreIdentity.CurrentFormatVersion)
        {
            throw new LodeDatabaseException($"The database at '{path}' has format version {stored.FormatVersion}; this LodeDb reads up to {StoreIdentity.CurrentFormatVersion}. Upgrade LodeDb.");
        }

        if (options.Model is string model)
        {
            if (stored.Kind != "preset")
            {
                throw new IdentityMismatchException(path, "Kind", stored.Kind, "preset");
            }

            string storedPreset = PresetNameOf(stored);
            if (storedPreset != model)
            {
                throw new IdentityMismatchException(path, "Model", storedPreset, model);
            }
        }

        if (options.Embedder is not null)
        {
            if (stored.Kind != StoreIdentity.CustomKind)
            {
                throw new IdentityMismatchException(path, "Kind", stored.Kind, StoreIdentity.CustomKind);
            }

            if (stored.Model != options.ModelName)
            {
                throw new IdentityMismatchException(path, "ModelName", stored.Model, options.ModelName!);
            }

            if (MetadataDimension(options.Embedder) is int embedderDim && embedderDim != stored.Dim)
            {
                throw new IdentityMismatchException(path, "Dimension", stored.Dim.ToString(CultureInfo.InvariantCulture), embedderDim.ToString(CultureInfo.InvariantCulture));
            }

            CheckImageTask(path, stored, options.Embedder);
        }
        else if (stored.Kind == StoreIdentity.CustomKind && options.VectorDim is null && options.Model is null && !options.WithoutEmbedder)
        {
            throw new LodeDatabaseException($"The database at '{path}' is a custom-embedder index (ModelName = {stored.Model}, {stored.Dim} dimensions); open it with the same Embedder and ModelName in the options.");
        }

        if (options.StoreText is bool storeText && storeText != stored.StoreText)
        {
            throw new IdentityMismatchException(path, "StoreText", stored.StoreText ? "true" : "false", storeText ? "true" : "false");
        }

        if (options.IndexText is bool indexText && indexText != stored.IndexText)
        {
            throw new IdentityMismatchException(path, "IndexText", stored.IndexText ? "true" : "false", indexText ? "true" : "false");
        }

        if (options.VectorDim is int dim)
        {
            if (stored.Kind != StoreIdentity.VectorKind)
            {
                throw new IdentityMismatchException(path, "Kind", stored.Kind, StoreIdentity.VectorKind);
            }

            if (stored.Dim != dim)
            {
                throw new IdentityMismatchException(path, "VectorDim", stored.Dim.ToString(CultureInfo.InvariantCulture), dim.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (options.BitWidth is int bits && stored.BitWidth != bits)
        {
            throw new IdentityMismatchException(path, "BitWidth", stored.BitWidth.ToString(CultureInfo.InvariantCulture), bits.ToString(CultureInfo.InvariantCulture));
        }

        if (options.Seed is ulong seed && stored.Seed != seed)
        {
            throw new IdentityMismatchException(path, "Seed", stored.Seed.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture));
        }

        if (stored.RescoreOrNull() is not RescoreStorage storedRescore)
        {
            throw new LodeDatabaseException($"The database at '{path}' has the storage profile \"{stored.StorageProfile}\", which this LodeDb build does not know. Upgrade LodeDb.");
        }

        if (options.Rescore is RescoreStorage rescore && rescore != storedRescore)
        {
            throw new IdentityMismatchException(path, "Rescore", storedRescore.ToString(), rescore.ToString());
        }

        if (stored.Kind == StoreIdentity.PresetKind)
        {
            string preset = PresetNameOf(stored);
            if (!ModelPresets.TryGet(preset, out _) || preset != preset.ToLowerInvariant())
            {
                throw new LodeDatabaseException($"The database at '{path}' is a preset index of \"{preset}\" (model {stored.Model}), which this LodeDb build does not know; it supports the presets {string.Join(", ", ModelPresets.Names)}.");
            }
        }
        else if (stored.Kind is not (StoreIdentity.VectorKind or StoreIdentity.CustomKind))
        {
            throw new LodeDatabaseException($"The database at '{path}' is a {stored.Kind} index (model {stored.Model}); opening it needs the embedder package, which this build does not include.");
        }
    }

    /// <summary>The slot mask of <paramref name="filter"/> (null: every live slot), with the allowed slots (chunks) and documents.</summary>
    private ulong[]? BuildMask(Filter? filter, out int allowedSlots, out int allowedDocuments)
    {
        if (filter is null)
        {
            allowedSlots = _rows.LiveSlotCount;
            allowedDocuments = _rows.LiveCount;
            return null;
        }

        var mask = new ulong[(_rows.SlotCount + 63) / 64];
        allowedSlots = 0;
        allowedDocuments = 0;
        for (int slot = 0; slot < _rows.SlotCount; slot++)
        {
            if (_rows.IdAt(slot) is not null && filter.Matches(_rows.MetadataAt(slot)))
            {
                mask[slot >> 6] |= 1UL << (slot & 63);
                allowedSlots++;
                if (_rows.ChunkIndexAt(slot) == 0)
                {
                    allowedDocuments++;
                }
            }
        }

        return mask;
    }

    private IReadOnlyList<SearchHit>[] SearchCore(float[] queries, int queryCount, int k, Filter? filter)
    {
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            ulong[]? mask = BuildMask(filter, out int allowedSlots, out _);
            var results = new IReadOnlyList<SearchHit>[queryCount];
            if (queryCount > 1 && _rows.LiveSlotCount == _rows.LiveCount)
            {
                // One slot per document: one batched native call reads the codes once for every
                // query (the per-query path below re-asks when chunks of one document collide).
                SearchBatch(queries, queryCount, Math.Min(k, allowedSlots), ScanDepth(k, allowedSlots), mask, results);
                return results;
            }

            for (int q = 0; q < queryCount; q++)
            {
                results[q] = VectorDocuments(queries.AsSpan(q * Dimension, Dimension), k, mask, allowedSlots)
                    .Select(hit => MakeHit(hit.Slot, hit.Score)).ToArray();
            }

            return results;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>One batched scan for <paramref name="depth"/> candidates per query (more than <paramref name="kk"/> when they are re-ranked from the sidecar); keeps the best kk.</summary>
    private void SearchBatch(float[] queries, int queryCount, int kk, int depth, ulong[]? mask, IReadOnlyList<SearchHit>[] results)
    {
        if (kk <= 0)
        {
            Array.Fill(results, Array.Empty<SearchHit>());
            return;
        }

        int wanted = kk;
        kk = depth;

        var slots = new ulong[queryCount * kk];
        var scores = new float[queryCount * kk];
        var counts = new uint[queryCount];
        ScanCodes(queries, kk, mask, SearchThreads(), slots, scores, counts);

        for (int q = 0; q < queryCount; q++)
        {
            if (_rescore is not null)
            {
                Rerank(queries.AsSpan(q * Dimension, Dimension), slots.AsSpan(q * kk, (int)counts[q]), scores.AsSpan(q * kk, (int)counts[q]));
            }

            var hits = new SearchHit[Math.Min(wanted, (int)counts[q])];
            for (int i = 0; i < hits.Length; i++)
            {
                hits[i] = MakeHit(checked((int)slots[q * kk + i]), scores[q * kk + i]);
            }

            results[q] = hits;
        }
    }

    /// <summary>Largest accepted <see cref="LodeDbOptions.SearchThreads"/>.</summary>
    public const int MaxSearchThreads = 64;

    // Automatic: the native scan splits blocks across threads only when the index is large
    // enough for the split to pay for itself; small scans stay on the calling thread.
    private int SearchThreads() => _searchThreads ?? (_rows.SlotCount >= 65_536 ? Math.Min(Environment.ProcessorCount, 8) : 1);

    private SearchHit MakeHit(int slot, float score) =>
        new(_rows.IdAt(slot)!, score, _rows.MetadataAt(slot)) { Text = _rows.TextAt(slot), Chunk = _rows.ChunkIndexAt(slot) };

    /// <summary>
    /// The best <paramref name="documents"/> documents for one normalised query, each at its best
    /// chunk (slot), best first. Asks the native scan for more chunks until that many documents
    /// survive collapsing, or every allowed chunk was ranked. Call under the read lock.
    /// </summary>
    private List<(int Slot, float Score)> VectorDocuments(ReadOnlySpan<float> query, int documents, ulong[]? mask, int allowedSlots)
    {
        var hits = new List<(int Slot, float Score)>();
        bool chunked = _rows.LiveSlotCount > _rows.LiveCount;
        int kk = ScanDepth(chunked ? (int)Math.Min(int.MaxValue, documents * 2L + 8) : documents, allowedSlots);
        if (kk <= 0)
        {
            return hits;
        }

        int threads = SearchThreads();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var slots = new ulong[kk];
            var scores = new float[kk];
            var counts = new uint[1];
            ScanCodes(query, kk, mask, threads, slots, scores, counts);

            if (_rescore is not null)
            {
                Rerank(query, slots.AsSpan(0, (int)counts[0]), scores.AsSpan(0, (int)counts[0]));
            }

            hits.Clear();
            seen.Clear();
            for (int i = 0; i < counts[0] && hits.Count < documents; i++)
            {
                int slot = checked((int)slots[i]);
                if (seen.Add(_rows.IdAt(slot)!))
                {
                    hits.Add((slot, scores[i]));
                }
            }

            if (hits.Count >= documents || kk >= allowedSlots)
            {
                return hits;
            }

            kk = (int)Math.Min(allowedSlots, (long)kk * 4);
        }
    }

    private IReadOnlyList<string> Upsert(float[] normalized, string[] ids, IReadOnlyDictionary<string, object?>[] metadata, string?[] captions)
    {
        var tokens = new IReadOnlyList<string>?[ids.Length];
        if (_identity.HasLexical)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                tokens[i] = captions[i] is string caption ? LexicalTokenizer.Tokenize(caption).ToArray() : null;
            }
        }

        string?[] texts = _identity.StoreText ? captions : new string?[ids.Length];
        return Upsert(normalized, ids, metadata, Enumerable.Range(0, ids.Length + 1).ToArray(), texts, tokens);
    }

    /// <summary>Encodes and commits documents (one record, all or nothing); chunk c of the flat arrays belongs to the document whose range holds it.</summary>
    private IReadOnlyList<string> Upsert(float[] normalized, string[] ids, IReadOnlyDictionary<string, object?>[] metadata, int[] chunkStarts, string?[] texts, IReadOnlyList<string>?[] tokens)
    {
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            int chunks = texts.Length;
            int bytesPerRow = Index.CodeBytesPerRow;
            var codes = new byte[checked(chunks * bytesPerRow)];
            var scales = new float[chunks];
            Index.Encode(normalized, codes, scales);
            var batch = new UpsertBatch(ids, metadata, codes, scales, bytesPerRow, chunkStarts, texts, tokens, _identity.PersistsTerms);
            if (EncodeRescoreRows(normalized, chunks) is byte[] rescoreRows)
            {
                batch.AttachRescore(rescoreRows, _rescore!.Kind);
            }

            Commit(WalRecord.EncodeUpsert(batch), () => ApplyUpsert(batch));
            return ids;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Applies documents: a document's existing slots are reused in order for its new chunks
    /// (replaced in place), extra old slots are removed and extra new chunks appended, so its
    /// chunks stay its slots in ascending order. The lexical index follows every slot.
    /// </summary>
    private void ApplyUpsert(UpsertBatch batch)
    {
        int bytesPerRow = batch.CodeBytesPerRow;
        if (bytesPerRow != Index.CodeBytesPerRow)
        {
            throw new FormatException($"rows of {bytesPerRow} code bytes for an index of {Index.CodeBytesPerRow}");
        }

        RescoreStore? rescore = _rescore;
        CheckRescoreRows(rescore, batch);

        var fresh = new List<(int Document, int Chunk)>();
        for (int d = 0; d < batch.Count; d++)
        {
            string id = batch.Ids[d];
            int first = batch.ChunkStarts[d];
            int count = batch.ChunkStarts[d + 1] - first;
            int[] old = _rows.SlotsOf(id);
            int reused = Math.Min(old.Length, count);
            for (int c = 0; c < reused; c++)
            {
                int chunk = first + c;
                Index.ReplaceRow((ulong)old[c], batch.Codes.AsSpan(chunk * bytesPerRow, bytesPerRow), batch.Scales[chunk]);
                rescore?.Set(old[c], RescoreRow(rescore, batch, chunk));
                _rows.Set(old[c], id, batch.Metadata[d], StoredText(batch, chunk));
                _bm25?.Replace((ulong)old[c], ChunkTokens(batch, chunk));
            }

            for (int c = reused; c < old.Length; c++)
            {
                Index.Remove((ulong)old[c]);
                _rows.Kill(old[c]);
                _bm25?.Remove((ulong)old[c]);
            }

            for (int c = reused; c < count; c++)
            {
                fresh.Add((d, first + c));
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        var codes = new byte[fresh.Count * bytesPerRow];
        var scales = new float[fresh.Count];
        for (int j = 0; j < fresh.Count; j++)
        {
            batch.Codes.AsSpan(fresh[j].Chunk * bytesPerRow, bytesPerRow).CopyTo(codes.AsSpan(j * bytesPerRow));
            scales[j] = batch.Scales[fresh[j].Chunk];
        }

        ulong firstSlot = Index.ImportRows(codes, scales);
        if (firstSlot != (ulong)_rows.SlotCount)
        {
            throw new InvalidOperationException($"Native index appended at slot {firstSlot}, the slot table expected {_rows.SlotCount}.");
        }

        foreach ((int d, int chunk) in fresh)
        {
            int slot = _rows.SlotCount;
            _rows.AppendLive(batch.Ids[d], batch.Metadata[d], StoredText(batch, chunk));
            rescore?.Append(RescoreRow(rescore, batch, chunk));
            _bm25?.Add((ulong)slot, ChunkTokens(batch, chunk));
        }
    }

    private string? StoredText(UpsertBatch batch, int chunk) => _identity.StoreText ? batch.Texts[chunk] : null;

    /// <summary>A chunk's lexical tokens: carried by the batch, else derived from its text.</summary>
    private static IReadOnlyList<string> ChunkTokens(UpsertBatch batch, int chunk) =>
        batch.Tokens[chunk] is IReadOnlyList<string> tokens ? tokens : batch.Texts[chunk] is string text ? LexicalTokenizer.Tokenize(text) : [];

    private void ApplyRemove(string id)
    {
        foreach (int slot in _rows.SlotsOf(id))
        {
            Index.Remove((ulong)slot);
            _rows.Kill(slot);
            _bm25?.Remove((ulong)slot);
        }
    }

    private void ReleaseResources()
    {
        _wal?.Dispose();
        _wal = null;
        _index?.Dispose();
        _index = null;
        _rescore?.Dispose();
        _rescore = null;
        _lock?.Dispose();
        _lock = null;
        if (_ownsEmbedder)
        {
            (_embedder as IDisposable)?.Dispose();
            _ownsEmbedder = false;
        }
    }
}
