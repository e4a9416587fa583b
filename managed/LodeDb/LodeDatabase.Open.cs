using System.Diagnostics;
using LodeDb.Diagnostics;

namespace LodeDb;

/// <summary>Opening a database: checks before anything is written, the writer lock, the store.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Opens the database in <paramref name="path"/>, creating the folder and an index when it
    /// holds none: vector-only (<see cref="LodeDbOptions.VectorDim"/>) or text through a custom
    /// embedder (<see cref="LodeDbOptions.Embedder"/> + <see cref="LodeDbOptions.ModelName"/>), or
    /// text through a preset model (<see cref="LodeDbOptions.Model"/> "minilm" | "bge", files from
    /// <see cref="LodeDbOptions.ModelDirectory"/>, else <c>LODEDB_MODEL_DIR</c>, else the per-user cache).
    /// Identity options that are set must match the recorded identity; a custom-embedder index
    /// needs its embedder on every open; a preset index loads its recorded preset.
    /// </summary>
    /// <remarks>
    /// Presets come from a registered provider (<see cref="Presets.ModelPresetRegistry"/>): with
    /// LodeDb.Embeddings.Onnx, a missing model folder or file is its <c>ModelNotFoundException</c>
    /// (the message gives <c>lodedb models pull &lt;preset&gt;</c>) and a folder holding a model
    /// that does not fit is its <c>ModelFormatException</c>.
    /// </remarks>
    /// <exception cref="NotSupportedException">A preset was asked for and no provider package is referenced.</exception>
    /// <exception cref="IdentityMismatchException">An identity option differs from the recorded one.</exception>
    /// <exception cref="ConcurrentWriterException">Another writer holds the folder past the lock timeout.</exception>
    /// <exception cref="CorruptDatabaseException">A committed file fails its checks.</exception>
    /// <exception cref="FolderKindMismatchException">The folder is the root of a <see cref="LodeCollection"/>, or holds the <c>DELETED</c> marker of a collection's space delete.</exception>
    /// <exception cref="PlatformNotSupportedException">A writable open keeps content hashes (the default) on a Linux system where no OpenSSL loads (.NET's SHA-256 needs it); nothing is written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the open waited for the writer lock or replayed the log (checked between records); nothing on disk was changed.</exception>
    public static LodeDatabase Open(string path, LodeDbOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenGuarded(path, options, spaceRecorded: null, cancellationToken);

    /// <summary>As <see cref="Open(string, LodeDbOptions?, CancellationToken)"/>; <paramref name="spaceRecorded"/> is set by a collection opening a space it records (see <see cref="DeletedSpaceGuard.Check"/>).</summary>
    internal static LodeDatabase OpenGuarded(string path, LodeDbOptions? options, Func<bool>? spaceRecorded, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new LodeDbOptions();
        OptionsValidation.Validate(options);
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new ArgumentException($"'{full}' is a file; a LodeDb database is a folder. Pass a folder path.", nameof(path));
        }

        if (File.Exists(System.IO.Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            throw FolderKindMismatchException.CollectionOpenedAsIndex(full);
        }

        DeletedSpaceGuard.Check(full, spaceRecorded);
        RefuseSketchOnCreateWithoutSidecar(full, options);

        Sha256Availability.ThrowIfUnavailable(full, !options.ReadOnly && options.StoreContentHash);
        var database = new LodeDatabase(full, options);
        long opening = Stopwatch.GetTimestamp();
        try
        {
            if (options.ReadOnly)
            {
                database._store = StoreOpener.OpenReadOnly(full, options, database._embedders, database._log, cancellationToken);
            }
            else
            {
                if (options.Model is not null && !CommitRootFile.Exists(full))
                {
                    // Creating a preset index: load the model first, so a missing or wrong model
                    // folder fails before anything is written (not even the folder).
                    database._embedders.OpenPreset(options.Model, options);
                }

                if (spaceRecorded is null)
                {
                    // A recorded space's folder is never recreated (a delete may have just moved it away).
                    Directory.CreateDirectory(full);
                }

                database._lock = WriterLock.Acquire(full, options.LockTimeout ?? EnvironmentDefaults.LockTimeout(), cancellationToken);
                if (database._lock.Waited > TimeSpan.Zero)
                {
                    LodeDbLog.LockWaited(database._telemetry.Logger, full, database._lock.Waited.TotalMilliseconds);
                }

                // Again under the lock: a delete that marked the folder while this open waited has published or given up by now.
                DeletedSpaceGuard.Check(full, spaceRecorded);

                database._store = StoreOpener.OpenForWriting(full, options, database._embedders, database._log, cancellationToken);
            }

            UseFirstPass(database._store, options);
            LodeDbLog.Opened(database._telemetry.Logger, full, options.ReadOnly ? "read-only" : "writer", database._log.Generation,
                database._store.Rows.LiveCount, database._log.Records, Stopwatch.GetElapsedTime(opening).TotalMilliseconds);
            return database;
        }
        catch
        {
            database.ReleaseResources();
            throw;
        }
    }

    /// <summary>Opens an existing database without the writer lock; every mutating call throws <see cref="ReadOnlyException"/>.</summary>
    public static LodeDatabase OpenReadOnly(string path, CancellationToken cancellationToken = default) => Open(path, new LodeDbOptions { ReadOnly = true }, cancellationToken);

    /// <summary>A new database that would keep no sidecar cannot use the sign sketch: refused before anything is created.</summary>
    private static void RefuseSketchOnCreateWithoutSidecar(string full, LodeDbOptions options)
    {
        if (options.RescoreFirstPass == RescoreFirstPass.SignSketch && (options.Rescore ?? RescoreStorage.None) == RescoreStorage.None
            && !options.ReadOnly && !CommitRootFile.Exists(full))
        {
            throw SketchNeedsSidecar(nameof(options));
        }
    }

    private static ArgumentException SketchNeedsSidecar(string parameter) =>
        new("RescoreFirstPass = SignSketch needs a re-score sidecar: this database keeps none (Rescore = None). Use RescoreFirstPass.Codes, or create the database with Rescore = Int8 or Float16.", parameter);

    /// <summary>
    /// Builds the in-memory sign sketch when the handle asks for <see cref="RescoreFirstPass.SignSketch"/>
    /// (before the handle is returned, so no search runs meanwhile); refused without a sidecar,
    /// whose re-rank is what makes the sketch's rough candidates usable.
    /// </summary>
    private static void UseFirstPass(SlotStore store, LodeDbOptions options)
    {
        if (options.RescoreFirstPass != RescoreFirstPass.SignSketch)
        {
            return;
        }

        if (store.Rescore is null)
        {
            throw SketchNeedsSidecar(nameof(options));
        }

        store.Index.SetSketch(true);
    }
}
