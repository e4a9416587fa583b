using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LodeDb.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>
/// An MEVD collection over one space of a <see cref="LodeCollection"/>: each record is one row
/// (key = row id, vector = row vector, data properties = metadata, the full-text property = the
/// row's lexically indexed caption). The space is vector-only at the vector property's
/// dimension; string (or other) vector properties are embedded by the configured
/// <see cref="IEmbeddingGenerator"/> before they reach LodeDb. See docs/vectordata.md.
/// </summary>
/// <typeparam name="TKey">string or Guid (object for <see cref="LodeSpaceDynamicCollection"/>).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
public partial class LodeSpaceCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    internal const string SystemName = "lodedb";

    private readonly LodeCollection _root;
    private readonly CollectionModel _model;
    private readonly RecordMapper<TRecord> _mapper;
    private readonly LodeDbOptions _spaceOptions;
    private readonly VectorStoreCollectionMetadata _metadata;
    private LodeDatabase? _space;

    /// <summary>
    /// A collection of <typeparamref name="TRecord"/> (attributes, or <see cref="VectorStoreCollectionOptions.Definition"/>)
    /// in the space <paramref name="name"/> of <paramref name="root"/> (1..64 of a-z 0-9 _ -).
    /// The root stays the caller's: dispose it after the collection.
    /// </summary>
    [RequiresDynamicCode("Mapping a .NET record type uses reflection; for NativeAOT use LodeSpaceDynamicCollection (Dictionary<string, object?> records).")]
    [RequiresUnreferencedCode("Mapping a .NET record type uses reflection; for trimmed apps use LodeSpaceDynamicCollection (Dictionary<string, object?> records).")]
    public LodeSpaceCollection(LodeCollection root, string name, LodeSpaceCollectionOptions? options = null)
        : this(
            root,
            name,
            static options => typeof(TRecord) == typeof(Dictionary<string, object?>)
                ? throw new NotSupportedException(VectorDataStrings.NonDynamicCollectionWithDictionaryNotSupported(typeof(LodeSpaceDynamicCollection)))
                : new LodeModelBuilder().Build(typeof(TRecord), typeof(TKey), options.Definition, options.EmbeddingGenerator),
            options)
    {
    }

    /// <summary>The model-agnostic constructor (the dynamic collection builds its model without reflection).</summary>
    internal LodeSpaceCollection(LodeCollection root, string name, Func<LodeSpaceCollectionOptions, CollectionModel> modelFactory, LodeSpaceCollectionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (typeof(TKey) != typeof(string) && typeof(TKey) != typeof(Guid) && typeof(TKey) != typeof(object))
        {
            throw new NotSupportedException($"Key type {typeof(TKey).Name} is not supported; LodeDb keys are string or Guid.");
        }

        options ??= new LodeSpaceCollectionOptions();
        _root = root;
        Name = name;
        _model = modelFactory(options);
        _mapper = new RecordMapper<TRecord>(_model);
        _spaceOptions = new LodeDbOptions
        {
            VectorDim = _model.VectorProperty.Dimensions,
            // The full-text property lives in the metadata; the caption is only indexed, not kept twice.
            StoreText = false,
            IndexText = _mapper.HasFullText,
            BitWidth = options.BitWidth,
            Rescore = options.Rescore,
        };
        _metadata = new VectorStoreCollectionMetadata
        {
            VectorStoreSystemName = SystemName,
            VectorStoreName = root.Path,
            CollectionName = name,
        };
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Run("CollectionExists", () => _root.Contains(Name)));

    /// <summary>Creates the space (vector-only at the vector property's dimension) or checks that the existing one fits this collection.</summary>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run("EnsureCollectionExists", () => _space = _root.Space(Name, _spaceOptions));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Deletes the space and its records (<see cref="LodeCollection.DeleteSpace"/>); nothing to do when it does not exist.
    /// Fails (<see cref="VectorStoreException"/>) while another handle has the space open for writing.
    /// </summary>
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run("EnsureCollectionDeleted", () => _root.DeleteSpace(Name));
        Volatile.Write(ref _space, null);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        string id = _mapper.IdOfKey(key);
        bool withVector = WantVectors(options?.IncludeVectors ?? false);
        LodeRecord? row = Run("Get", () => Space().Get(id));
        return Task.FromResult(row is null ? null : ToRecord(row.Id, row.Metadata, withVector));
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        string id = _mapper.IdOfKey(key);
        Run("Delete", () => Space().Remove(id));
        return Task.CompletedTask;
    }

    /// <summary>Deletes the records with these keys in one atomic commit (missing keys are ignored).</summary>
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        string[] ids = keys.Select(key => _mapper.IdOfKey(key)).ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        await Run("Delete", () => Space().RemoveManyAsync(ids, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <summary>
    /// Stores the records in one atomic commit (all or none), replacing rows with the same keys.
    /// Embeddings are generated first for a vector property that is not a vector.
    /// </summary>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        IReadOnlyList<TRecord> batch = records as IReadOnlyList<TRecord> ?? records.ToList();
        if (batch.Count == 0)
        {
            return;
        }

        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i] is null)
            {
                throw new ArgumentException($"Record {i} is null.", nameof(records));
            }
        }

        float[][] vectors = await RecordEmbeddings.ForRecordsAsync(_model.VectorProperty, batch, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        string?[] ids = batch.Select(_mapper.IdOfRecord).ToArray();
        IReadOnlyDictionary<string, object?>?[] metadata = batch.Select(record => (IReadOnlyDictionary<string, object?>?)_mapper.MetadataOf(record)).ToArray();
        string?[]? captions = _mapper.HasFullText ? batch.Select(_mapper.CaptionOf).ToArray() : null;
        Run("Upsert", () => Space().AddVectors(vectors, ids, metadata, captions));
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType == typeof(LodeCollection) ? _root
            : serviceType == typeof(LodeDatabase) ? Run("GetService", Space)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>The open space; a <see cref="VectorStoreException"/> when it was never created.</summary>
    private LodeDatabase Space()
    {
        LodeDatabase? space = Volatile.Read(ref _space);
        if (space is not null)
        {
            return space;
        }

        // Opens the recorded space only. Without VectorDim the collection cannot create one, so a
        // delete that lands just before this call is "does not exist", never a new empty space
        // (checking Contains first left that window open); the dimension is checked here instead.
        try
        {
            space = _root.Space(Name, _spaceOptions with { VectorDim = null });
        }
        catch (SpaceNotFoundException ex)
        {
            throw new VectorStoreException($"The collection '{Name}' does not exist in {_root.Path}; call EnsureCollectionExistsAsync first.", ex)
            {
                VectorStoreSystemName = SystemName,
                VectorStoreName = _root.Path,
                CollectionName = Name,
            };
        }

        if (space.Dimension != _spaceOptions.VectorDim)
        {
            throw new SpaceMismatchException(_root.Path, Name, nameof(LodeDbOptions.VectorDim),
                space.Dimension.ToString(CultureInfo.InvariantCulture),
                _spaceOptions.VectorDim?.ToString(CultureInfo.InvariantCulture) ?? "unset");
        }

        Volatile.Write(ref _space, space);
        return space;
    }

    private bool DropClosedSpace() => Interlocked.Exchange(ref _space, null) is not null;

    /// <summary>Runs a LodeDb call, wrapping the database's own failures in <see cref="VectorStoreException"/> (argument and usage errors pass as they are).</summary>
    private T Run<T>(string operation, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ObjectDisposedException) when (DropClosedSpace())
        {
            // The cached space was closed (deleted through another collection object, or disposed
            // by its caller): resolve it again, which reopens it or reports it missing.
            return Run(operation, call);
        }
        catch (LodeDbException ex)
        {
            throw new VectorStoreException($"LodeDb failed in {operation} on the collection '{Name}': {ex.Message}", ex)
            {
                VectorStoreSystemName = SystemName,
                VectorStoreName = _root.Path,
                CollectionName = Name,
                OperationName = operation,
            };
        }
    }
}
