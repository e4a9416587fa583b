using System.Runtime.ExceptionServices;
using LodeDb.Native;

namespace LodeDb;

/// <summary>
/// Named vector spaces under one root: each space is its own index (<c>&lt;root&gt;/spaces/&lt;name&gt;/</c>)
/// with its own model, dimension and bit width, and <c>collection.json</c> records what each
/// space was created with, so <see cref="Space"/> reopens it with no options. Spaces are never
/// scored against each other. Dispose the collection to close every space it opened.
/// </summary>
public sealed partial class LodeCollection : IDisposable
{
    /// <summary>The manifest file at the root of a collection.</summary>
    public const string ManifestFileName = "collection.json";

    /// <summary>The folder under the root that holds one folder per space.</summary>
    public const string SpacesFolderName = "spaces";

    private readonly object _gate = new();
    private readonly Dictionary<string, OpenSpace> _open = new(StringComparer.Ordinal);
    private bool _disposed;

    private LodeCollection(string path, bool readOnly, Durability durability, TimeSpan lockTimeout, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        LoggerFactory = loggerFactory;
        Path = path;
        IsReadOnly = readOnly;
        Durability = durability;
        LockTimeout = lockTimeout;
    }

    /// <summary>The collection's root folder.</summary>
    public string Path { get; }

    /// <summary>True when this handle was opened read-only.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The default logger factory of the spaces (<see cref="LodeCollectionOptions.LoggerFactory"/>).</summary>
    internal Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; }

    /// <summary>Durability of manifest writes, and the default of the spaces.</summary>
    public Durability Durability { get; }

    /// <summary>How long a manifest write waits for the collection's lock (also the spaces' default writer-lock timeout).</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>The names of the recorded spaces, sorted (read from <c>collection.json</c> now, so other handles' spaces are included).</summary>
    public IReadOnlyList<string> SpaceNames => Spaces.Select(space => space.Name).ToArray();

    /// <summary>What <c>collection.json</c> records for each space, sorted by name.</summary>
    public IReadOnlyList<LodeSpaceInfo> Spaces
    {
        get
        {
            ThrowIfDisposed();
            return ReadManifest().Spaces.Select(CollectionManifestFile.ToInfo).OrderBy(space => space.Name, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>Tests only: runs after the new manifest's temp file is written, before its rename.</summary>
    internal Action<string>? BeforeManifestRename { get; set; }

    private bool Sync => Durability == Durability.Fsync;

    private string ManifestPath => CollectionManifestFile.PathOf(Path);

    /// <summary>
    /// Opens the collection in <paramref name="root"/>, creating the folder and an empty
    /// <c>collection.json</c> when it holds none (unless <see cref="LodeCollectionOptions.ReadOnly"/>).
    /// </summary>
    /// <exception cref="FolderKindMismatchException">The folder holds a plain index (<c>index.commit.json</c>).</exception>
    /// <exception cref="CollectionNotFoundException">Read-only, and the folder holds no collection.</exception>
    /// <exception cref="CorruptDatabaseException">collection.json is damaged (the exception names it).</exception>
    /// <exception cref="ConcurrentWriterException">Another handle held the collection's lock past the timeout.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the open waited for the collection's lock.</exception>
    public static LodeCollection Open(string root, LodeCollectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        options ??= new LodeCollectionOptions();
        if (options.LockTimeout is TimeSpan timeout && timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "LockTimeout must not be negative.");
        }

        string full = System.IO.Path.GetFullPath(root);
        if (File.Exists(full))
        {
            throw new ArgumentException($"'{full}' is a file; a LodeDb collection is a folder. Pass a folder path.", nameof(root));
        }

        if (File.Exists(System.IO.Path.Combine(full, LodeDatabase.RootFileName)))
        {
            throw FolderKindMismatchException.IndexOpenedAsCollection(full);
        }

        var collection = new LodeCollection(
            full,
            options.ReadOnly,
            options.Durability ?? EnvironmentDefaults.Durability(),
            options.LockTimeout ?? EnvironmentDefaults.LockTimeout(),
            options.LoggerFactory);
        if (options.ReadOnly)
        {
            if (CollectionManifestFile.Read(full) is null)
            {
                CollectionManifestFile.ThrowIfSpacesWithoutManifest(full);
                throw new CollectionNotFoundException(full);
            }

            return collection;
        }

        if (CollectionManifestFile.Read(full) is not null)
        {
            return collection;
        }

        Directory.CreateDirectory(full);
        using (WriterLock.Acquire(full, collection.LockTimeout, cancellationToken))
        {
            // Re-read under the lock: another handle may have just created the collection.
            if (CollectionManifestFile.Read(full) is null)
            {
                CollectionManifestFile.ThrowIfSpacesWithoutManifest(full);
                // Written at once, so the root is recognised as a collection (and refused by
                // LodeDatabase.Open) before its first space exists.
                CollectionManifestFile.Replace(full, new CollectionManifest(), collection.Sync, null);
                if (collection.Sync)
                {
                    CollectionManifestFile.SyncDirectory(full);
                    NativeFileSystem.SyncParentDirectory(full);
                }
            }
        }

        return collection;
    }

    /// <summary>
    /// The space <paramref name="name"/>: the handle this collection already opened, else the
    /// recorded space opened from <c>collection.json</c> (options may be null: a vector space gets
    /// its dimension, a preset space its model; a custom space needs its <see cref="LodeDbOptions.Embedder"/>
    /// and <see cref="LodeDbOptions.ModelName"/>), else a new space created from
    /// <paramref name="options"/> and recorded. Identity options that are set must match the
    /// record, also when the space is already open. Handle options (durability, commit mode,
    /// lock timeout, read-only) apply when the space is opened; unset durability and lock timeout
    /// come from the collection. The collection owns the returned database: disposing the
    /// collection closes it (a space disposed by its caller is reopened by the next call).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid space name (1..64 of a-z 0-9 _ -, starting with a letter or digit).</exception>
    /// <exception cref="SpaceMismatchException">An identity option differs from the recorded one.</exception>
    /// <exception cref="SpaceNotFoundException">The space does not exist and cannot be created (no identity options, or a read-only handle).</exception>
    /// <exception cref="CorruptDatabaseException">collection.json is damaged or disagrees with the space's index.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the space was opened (see <see cref="LodeDatabase.Open"/>); nothing was recorded.</exception>
    public LodeDatabase Space(string name, LodeDbOptions? options = null, CancellationToken cancellationToken = default)
    {
        SpaceName.Validate(name, nameof(name));
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_open.TryGetValue(name, out OpenSpace? open))
            {
                if (!open.Database.IsDisposed)
                {
                    if (options is not null)
                    {
                        CheckRequested(open.Info, options);
                    }

                    return open.Database;
                }

                _open.Remove(name);
            }

            OpenSpace opened = Find(ReadManifest(), name) is LodeSpaceInfo recorded
                ? OpenRecorded(recorded, options, cancellationToken)
                : CreateOrOpen(name, options, cancellationToken);
            _open[name] = opened;
            return opened.Database;
        }
    }

    /// <summary>True when <c>collection.json</c> records a space named <paramref name="name"/>.</summary>
    public bool Contains(string name)
    {
        SpaceName.Validate(name, nameof(name));
        ThrowIfDisposed();
        return Find(ReadManifest(), name) is not null;
    }

    /// <summary>What <c>collection.json</c> records for the space <paramref name="name"/>.</summary>
    /// <exception cref="SpaceNotFoundException">No such space is recorded.</exception>
    public LodeSpaceInfo Describe(string name)
    {
        SpaceName.Validate(name, nameof(name));
        ThrowIfDisposed();
        return Find(ReadManifest(), name)
            ?? throw new SpaceNotFoundException(Path, name, $"Recorded spaces: {Listing(ReadManifest())}.");
    }

    /// <summary>Closes every space this handle opened (each checkpoints its pending log).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var errors = new List<Exception>();
            foreach (OpenSpace space in _open.Values)
            {
                try
                {
                    space.Database.Dispose();
                }
                catch (Exception ex)
                {
                    errors.Add(ex);
                }
            }

            _open.Clear();
            if (errors.Count == 1)
            {
                ExceptionDispatchInfo.Throw(errors[0]);
            }

            if (errors.Count > 1)
            {
                throw new AggregateException($"{errors.Count} spaces of the collection at '{Path}' failed to close.", errors);
            }
        }
    }

    private static LodeSpaceInfo? Find(CollectionManifest manifest, string name)
    {
        SpaceRecord? record = manifest.Spaces.Find(space => space.Name == name);
        return record is null ? null : CollectionManifestFile.ToInfo(record);
    }

    private static string Listing(CollectionManifest manifest) =>
        manifest.Spaces.Count == 0 ? "none" : string.Join(", ", manifest.Spaces.Select(space => space.Name).Order(StringComparer.Ordinal));

    private static LodeSpaceInfo InfoOf(string name, StoreIdentity identity)
    {
        LodeSpaceKind kind = CollectionManifestFile.ParseKind(identity.Kind)
            ?? throw new LodeDatabaseException($"The index of space '{name}' has kind '{identity.Kind}', which a collection cannot record.");
        return new LodeSpaceInfo
        {
            Name = name,
            Kind = kind,
            Model = kind switch
            {
                LodeSpaceKind.Preset => string.IsNullOrEmpty(identity.Preset) ? identity.Model : identity.Preset,
                LodeSpaceKind.Custom => identity.Model,
                _ => null,
            },
            Task = identity.Task,
            Dimension = identity.Dim,
            BitWidth = identity.BitWidth,
            Seed = identity.Seed,
            StoreText = identity.StoreText,
            IndexText = identity.IndexText,
        };
    }

    private OpenSpace OpenRecorded(LodeSpaceInfo info, LodeDbOptions? options, CancellationToken cancellationToken)
    {
        options ??= new LodeDbOptions();
        CheckRequested(info, options);
        string folder = SpaceFolder(info.Name);
        if (!File.Exists(System.IO.Path.Combine(folder, LodeDatabase.RootFileName)))
        {
            ThrowIfDeletedMeanwhile(info.Name);
            throw new CorruptDatabaseException(ManifestPath, $"it records space '{info.Name}', but '{folder}' holds no index");
        }

        if (info.Kind == LodeSpaceKind.Custom && options.Embedder is null && !options.WithoutEmbedder)
        {
            throw new LodeDatabaseException(
                $"Space '{info.Name}' of the collection at '{Path}' embeds with a custom embedder (ModelName = {info.Model}, {info.Dimension} dimensions). " +
                $"Pass it: Space(\"{info.Name}\", new LodeDbOptions {{ Embedder = ..., ModelName = \"{info.Model}\" }}).");
        }

        LodeDatabase database;
        try
        {
            // The manifest was read without a lock: a delete may publish while this open waits for
            // the space's writer lock. The open refuses the folder once that delete is published.
            database = LodeDatabase.OpenGuarded(folder, SpaceOptions.For(this, options, info), () => IsRecorded(info.Name), cancellationToken);
        }
        catch (Exception ex) when (ex is LodeDatabaseException or IOException)
        {
            ThrowIfDeletedMeanwhile(info.Name);
            throw;
        }

        try
        {
            // Re-read with the space's writer lock held (a read-only handle has none: best effort).
            if (Find(ReadManifest(), info.Name) is not LodeSpaceInfo current)
            {
                throw Deleted(info.Name);
            }

            if (current != info)
            {
                throw new LodeDatabaseException(
                    $"Space '{info.Name}' of the collection at '{Path}' was deleted and created again by another handle while this call opened it. Call Space(\"{info.Name}\") again.");
            }

            CheckIndexAgrees(info, InfoOf(info.Name, database.Identity));
            if (!database.IsReadOnly)
            {
                // Recorded, and no delete can be between its marker and its publish while this
                // handle holds the space's lock: a marker here is stale, so a plain open works again.
                TryDeleteFile(System.IO.Path.Combine(folder, DeletedMarkerFileName));
            }
        }
        catch
        {
            database.Dispose();
            throw;
        }

        return new OpenSpace(database, info);
    }

    /// <summary>A space read as recorded that a delete (by another handle) has since unrecorded.</summary>
    private void ThrowIfDeletedMeanwhile(string name)
    {
        if (!IsRecorded(name))
        {
            throw Deleted(name);
        }
    }

    private SpaceNotFoundException Deleted(string name) =>
        new(Path, name, "It was deleted by another handle while this call opened it.");

    /// <summary>
    /// Creates a space under the collection's lock: re-read the manifest (another handle may have
    /// recorded the space meanwhile), open the index, merge its record, publish. A failed publish
    /// closes the new index and removes the folder this call created.
    /// </summary>
    private OpenSpace CreateOrOpen(string name, LodeDbOptions? options, CancellationToken cancellationToken)
    {
        if (IsReadOnly || options?.ReadOnly == true)
        {
            throw new SpaceNotFoundException(Path, name, "A read-only handle cannot create it; open the collection (and the space) writable.");
        }

        if (options is null || (options.VectorDim is null && options.Model is null && options.Embedder is null))
        {
            throw new SpaceNotFoundException(Path, name, "To create it, pass LodeDbOptions with VectorDim, Model, or an Embedder with its ModelName.");
        }

        LodeSpaceInfo? raced;
        using (WriterLock.Acquire(Path, LockTimeout, cancellationToken))
        {
            CollectionManifest manifest = ReadManifest();
            raced = Find(manifest, name);
            if (raced is null)
            {
                return Create(name, options, manifest, cancellationToken);
            }
        }

        return OpenRecorded(raced, options, cancellationToken);
    }

    private OpenSpace Create(string name, LodeDbOptions options, CollectionManifest manifest, CancellationToken cancellationToken)
    {
        string folder = SpaceFolder(name);
        SweepDeleted(name);

        // A folder that already exists (an index left by a create whose publish never ran) is
        // adopted when its identity fits the options, and never removed by a rollback.
        bool created = !Directory.Exists(folder);
        LodeDatabase database;
        try
        {
            database = LodeDatabase.Open(folder, SpaceOptions.For(this, options, recorded: null), cancellationToken);
        }
        catch
        {
            if (created)
            {
                TryRemoveFolder(folder);
            }

            throw;
        }

        bool published = false;
        try
        {
            if (created && Sync)
            {
                // The space's folder entry must be durable before the manifest names it.
                NativeFileSystem.SyncParentDirectory(folder);
                NativeFileSystem.SyncParentDirectory(System.IO.Path.GetDirectoryName(folder)!);
            }

            LodeSpaceInfo info = InfoOf(name, database.Identity);
            manifest.Spaces.Add(CollectionManifestFile.ToRecord(info));
            CollectionManifestFile.Replace(Path, manifest, Sync, BeforeManifestRename);
            published = true;
            if (Sync)
            {
                CollectionManifestFile.SyncDirectory(Path);
            }

            return new OpenSpace(database, info);
        }
        catch
        {
            database.Dispose();
            if (created && !published)
            {
                TryRemoveFolder(folder);
            }

            throw;
        }
    }

    /// <summary>The requested identity options against the manifest's record (the rule is <see cref="IdentityCheck.FirstMismatch"/>'s).</summary>
    private void CheckRequested(LodeSpaceInfo info, LodeDbOptions options)
    {
        if (IdentityCheck.FirstMismatch(RecordedIdentity.Of(info), options) is { } mismatch)
        {
            throw Mismatch(info, mismatch.Field, mismatch.Recorded, mismatch.Requested);
        }
    }

    /// <summary>The manifest and the space's own root pointer must describe the same index.</summary>
    private void CheckIndexAgrees(LodeSpaceInfo recorded, LodeSpaceInfo actual)
    {
        if (recorded != actual)
        {
            throw new CorruptDatabaseException(ManifestPath, $"it records space '{recorded.Name}' as {recorded}, but the space's index holds {actual}");
        }
    }

    private SpaceMismatchException Mismatch(LodeSpaceInfo info, string field, string recorded, string requested) =>
        new(Path, info.Name, field, recorded, requested);

    private CollectionManifest ReadManifest() =>
        CollectionManifestFile.Read(Path) ?? throw new CorruptDatabaseException(ManifestPath, "the file is missing (it was there when the collection was opened)");

    private string SpaceFolder(string name) => System.IO.Path.Combine(Path, SpacesFolderName, name);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void TryRemoveFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind, the folder is adopted (or rejected by its identity) by the next create.
        }
    }

    private sealed record OpenSpace(LodeDatabase Database, LodeSpaceInfo Info);
}
