using LodeDb.Presets;

namespace LodeDb;

/// <summary>
/// Opening a folder: create a new store, or load the base generation the root pointer names and
/// replay the log on top (writers then resume or restart the log; read-only handles pin what
/// they read and retry when a writer swept it meanwhile).
/// </summary>
internal static class StoreOpener
{
    private const int MaxReadOnlyAttempts = 50;

    /// <summary>A writer's open (the writer lock is held): create, or load, replay and resume the log.</summary>
    public static SlotStore OpenForWriting(string folder, LodeDbOptions options, EmbedderHost embedders, CommitLog log, CancellationToken cancellationToken = default)
    {
        CommitRootFile.DeleteTemp(folder);
        if (!CommitRootFile.Exists(folder))
        {
            return Create(folder, options, embedders, log);
        }

        CommitRoot root = CommitRootFile.Read(folder);
        CheckFolderKind(folder, root, options);
        IdentityCheck.Check(folder, root.Identity, options);
        if (!options.WithoutEmbedder)
        {
            embedders.OpenRecordedPreset(folder, root.Identity, options);
        }

        SlotStore store = LoadGeneration(folder, root, log, salvage: null, cancellationToken);
        try
        {
            LogReplay.WalReplay replay = LogReplay.ReplayWal(folder, root, store, cancellationToken);
            // Last check before the log is resumed (a torn tail cut): a cancelled open changes nothing on disk.
            cancellationToken.ThrowIfCancellationRequested();
            log.Resume(store, root, replay);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Creates the store the options describe and publishes its empty generation 1, so the identity is on disk from the start.</summary>
    private static SlotStore Create(string folder, LodeDbOptions options, EmbedderHost embedders, CommitLog log)
    {
        ModelPreset? preset = options.Model is string model ? embedders.OpenPreset(model, options) : null;
        int dim;
        if (preset is not null)
        {
            dim = EmbedderHost.Dimension(embedders.Embedder!);
        }
        else if (options.Embedder is not null)
        {
            dim = EmbedderHost.Dimension(options.Embedder);
        }
        else if (options.VectorDim is int vectorDim)
        {
            dim = vectorDim;
        }
        else
        {
            throw new ArgumentException($"'{folder}' holds no database yet; creating one needs VectorDim, or an Embedder with its ModelName (or a Model preset), in the options.", nameof(options));
        }

        int bits = options.BitWidth ?? LodeDatabase.DefaultBitWidth;
        bool storeText = options.StoreText ?? true;
        var identity = new StoreIdentity
        {
            Dim = dim,
            BitWidth = bits,
            Seed = options.Seed ?? LodeDatabase.DefaultSeed,
            StorageProfile = StoreIdentity.ProfileFor(bits, options.Rescore ?? RescoreStorage.None),
            StoreText = storeText,
            IndexText = options.IndexText ?? storeText,
            FormatVersion = options.GraphStore ? StoreIdentity.GraphFormatVersion : StoreIdentity.CurrentFormatVersion,
        };
        if (preset is not null)
        {
            identity.Kind = StoreIdentity.PresetKind;
            identity.Task = EmbedderHost.TaskFor(embedders.Embedder!);
            identity.Model = preset.Repository;
            identity.Preset = preset.Name;
        }
        else if (options.Embedder is not null)
        {
            identity.Kind = StoreIdentity.CustomKind;
            identity.Task = EmbedderHost.TaskFor(options.Embedder);
            identity.Model = options.ModelName!;
        }

        SlotStore store = SlotStore.CreateEmpty(identity, options.GraphStore);
        try
        {
            log.Checkpoint(store);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the generation the root names without the writer lock. The generations it references
    /// are pinned while they load, so a writer checkpointing in a tight loop cannot delete them
    /// under this handle; the root is read again only when a pin came too late (the writer swept
    /// the generation between the root read and the pin) or the folder takes no pin file.
    /// </summary>
    public static SlotStore OpenReadOnly(string folder, LodeDbOptions options, EmbedderHost embedders, CommitLog log, CancellationToken cancellationToken = default)
    {
        if (!CommitRootFile.Exists(folder))
        {
            throw new DatabaseNotFoundException(folder);
        }

        for (int attempt = 0; ; attempt++)
        {
            string rootText = CommitRootFile.ReadText(folder);
            IDisposable? pins = null;
            SlotStore? store = null;
            try
            {
                CommitRoot root = CommitRootFile.Parse(rootText);
                pins = GenerationFiles.TryPin(folder, ReferencedGenerations(root));
                CheckFolderKind(folder, root, options);
                IdentityCheck.Check(folder, root.Identity, options);
                if (!options.WithoutEmbedder)
                {
                    embedders.OpenRecordedPreset(folder, root.Identity, options);
                }

                store = LoadGeneration(folder, root, log, salvage: null, cancellationToken);
                LogReplay.WalReplay replay = LogReplay.ReplayWal(folder, root, store, cancellationToken);
                // Without a pin (or with a release's single index.wal, which a checkpoint resets
                // in place) a log read after a checkpoint could miss folded records: the base
                // must still be the current one.
                if ((pins is null || root.WalFile == GenerationFiles.LegacyWalFileName) && CommitRootFile.BaseOf(CommitRootFile.ReadText(folder)) != root.BaseGeneration)
                {
                    store.Dispose();
                    store = null;
                    if (attempt == MaxReadOnlyAttempts)
                    {
                        throw new LodeDatabaseException($"The writer of '{folder}' checkpointed {MaxReadOnlyAttempts} times while this read-only handle loaded, so it got no consistent snapshot. Open it again, or raise CheckpointEveryRecords on the writer.");
                    }

                    Thread.Sleep(attempt);
                    continue;
                }

                log.AdoptReadOnly(root, replay);
                return store;
            }
            catch (Exception ex) when (ex is IOException or CorruptDatabaseException && attempt < MaxReadOnlyAttempts && CommitRootFile.TryReadText(folder) != rootText)
            {
                // The writer published (and swept) a newer generation while this one loaded.
                store?.Dispose();
                Thread.Sleep(attempt);
            }
            catch
            {
                store?.Dispose();
                throw;
            }
            finally
            {
                pins?.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads the base generation <paramref name="root"/> names and applies its committed journal;
    /// the log takes the root's counters. A repair (<paramref name="salvage"/> set) salvages
    /// around a damaged or missing journal.
    /// </summary>
    public static SlotStore LoadGeneration(string folder, CommitRoot root, CommitLog log, SalvageLog? salvage, CancellationToken cancellationToken = default)
    {
        log.Adopt(root);
        RequireNamedFiles(folder, root, salvage);
        SlotStore store = SlotStore.Load(folder, root);
        try
        {
            if (root.JournalLength > 0)
            {
                (long records, long bytes) = LogReplay.ApplyJournal(folder, root.JournalFile, root.JournalLength, store, salvage, cancellationToken);
                log.AdoptJournal(records, bytes);
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A graph store opens only as a graph (<see cref="Graph.LodeGraph"/>) and an index only as an
    /// index, so plain writes never land beside a graph's entries; a read-only handle may look at
    /// a graph store as an index (Verify loads every folder that way).
    /// </summary>
    private static void CheckFolderKind(string folder, CommitRoot root, LodeDbOptions options)
    {
        bool graph = root.GraphFile.Length > 0;
        if (options.GraphStore && !graph)
        {
            throw FolderKindMismatchException.IndexOpenedAsGraph(folder);
        }

        if (!options.GraphStore && graph && !options.ReadOnly)
        {
            throw FolderKindMismatchException.GraphOpenedAsIndex(folder);
        }
    }

    /// <summary>The generations whose files a root names: its base and, in WAL mode, its log's.</summary>
    private static IEnumerable<long> ReferencedGenerations(CommitRoot root)
    {
        yield return root.BaseGeneration;
        long log = GenerationFiles.GenerationOf(root.WalFile);
        if (log >= 0)
        {
            yield return log;
        }
    }

    /// <summary>Every file the root names must exist: a missing one is damage, never an empty store.</summary>
    private static void RequireNamedFiles(string folder, CommitRoot root, SalvageLog? salvage)
    {
        // A repair salvages around a missing journal; the base's own files it cannot do without.
        foreach (string name in new[] { root.CodesFile, root.RowsFile, root.RescoreFile, root.GraphFile, root.JournalLength > 0 && salvage is null ? root.JournalFile : "" })
        {
            if (name.Length > 0 && !File.Exists(Path.Combine(folder, name)))
            {
                throw CommitRootFile.MissingFile(name, null);
            }
        }
    }
}
