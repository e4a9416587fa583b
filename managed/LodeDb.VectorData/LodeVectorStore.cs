using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LodeDb.Native;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>
/// An MEVD vector store over a <see cref="LodeCollection"/> folder: each MEVD collection is one
/// named space of it (its own dimension, bit width and rows). See docs/vectordata.md.
/// </summary>
public sealed class LodeVectorStore : VectorStore
{
    private readonly LodeCollection _root;
    private readonly bool _ownsRoot;
    private readonly LodeVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata;

    /// <summary>A store over an open collection root; the caller keeps owning it (disposing the store leaves it open).</summary>
    public LodeVectorStore(LodeCollection root, LodeVectorStoreOptions? options = null)
        : this(root ?? throw new ArgumentNullException(nameof(root)), ownsRoot: false, options)
    {
    }

    private LodeVectorStore(LodeCollection root, bool ownsRoot, LodeVectorStoreOptions? options)
    {
        _root = root;
        _ownsRoot = ownsRoot;
        _options = options ?? new LodeVectorStoreOptions();
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = LodeSpaceCollection<string, object>.SystemName, VectorStoreName = root.Path };
    }

    /// <summary>The collection root the store works on.</summary>
    public LodeCollection Root => _root;

    /// <summary>
    /// Opens (or creates) the collection root folder <paramref name="path"/> and returns a store
    /// that owns it: disposing the store closes every space (each checkpoints its log).
    /// </summary>
    public static LodeVectorStore Open(string path, LodeVectorStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new LodeVectorStoreOptions();
        var root = LodeCollection.Open(path, new LodeCollectionOptions
        {
            ReadOnly = options.ReadOnly,
            Durability = options.Durability,
            LockTimeout = options.LockTimeout,
            LoggerFactory = options.LoggerFactory,
        });
        return new LodeVectorStore(root, ownsRoot: true, options);
    }

    /// <inheritdoc />
    [RequiresDynamicCode("Mapping a .NET record type uses reflection; for NativeAOT use GetDynamicCollection (Dictionary<string, object?> records).")]
    [RequiresUnreferencedCode("Mapping a .NET record type uses reflection; for trimmed apps use GetDynamicCollection (Dictionary<string, object?> records).")]
    public override LodeSpaceCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        typeof(TRecord) == typeof(Dictionary<string, object?>)
            ? throw new ArgumentException(VectorDataStrings.GetCollectionWithDictionaryNotSupported)
            : new LodeSpaceCollection<TKey, TRecord>(_root, name, CollectionOptions(definition));

    /// <inheritdoc />
    public override LodeSpaceDynamicCollection GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new LodeSpaceDynamicCollection(_root, name, CollectionOptions(definition));
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> names = Run("ListCollectionNames", () => _root.SpaceNames);
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (string name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Run("CollectionExists", () => _root.Contains(name)));

    /// <summary>Deletes the space <paramref name="name"/> and its records (<see cref="LodeCollection.DeleteSpace"/>); nothing to do when it does not exist.</summary>
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run("EnsureCollectionDeleted", () => _root.DeleteSpace(name));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType == typeof(LodeCollection) ? _root
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsRoot)
        {
            _root.Dispose();
        }

        base.Dispose(disposing);
    }

    private LodeSpaceCollectionOptions CollectionOptions(VectorStoreCollectionDefinition? definition) => new()
    {
        Definition = definition,
        EmbeddingGenerator = _options.EmbeddingGenerator,
        BitWidth = _options.BitWidth,
        Rescore = _options.Rescore,
    };

    private T Run<T>(string operation, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (LodeDbException ex)
        {
            throw new VectorStoreException($"LodeDb failed in {operation}: {ex.Message}", ex)
            {
                VectorStoreSystemName = _metadata.VectorStoreSystemName,
                VectorStoreName = _root.Path,
                OperationName = operation,
            };
        }
    }
}
