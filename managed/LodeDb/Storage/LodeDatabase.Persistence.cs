using System.Text.Json;
using LodeDb.Lexical;
using LodeDb.Embeddings.Onnx;
using LodeDb.Native;

namespace LodeDb;

/// <summary>Opening a folder: the root pointer, the base generation it names, and the log on top.</summary>
public sealed partial class LodeDatabase
{
    private const int MaxReadOnlyAttempts = 50;

    /// <summary>The log the root names: <c>index.g{G}.wal</c> (WAL mode), "" (Generation mode), or the legacy <c>index.wal</c>.</summary>
    private string _walFile = "";

    private string RootPath => System.IO.Path.Combine(_path, RootFileName);

    private bool Sync => _durability == Durability.Fsync;

    private void LoadForWriting(LodeDbOptions options)
    {
        // A root pointer left half-written by a crash is only ever the temp file: the rename is atomic.
        File.Delete(RootPath + ".tmp");
        if (!File.Exists(RootPath))
        {
            Create(options);
            return;
        }

        CommitRoot root = ReadRoot();
        CheckIdentity(_path, root.Identity, options);
        OpenRecordedPresetEmbedder(root.Identity, options);
        LoadGeneration(root);
        WalReplay replay = ReplayWal(root);
        if (_commitMode == CommitMode.Generation)
        {
            _walFile = "";
            if (replay.Applied > 0)
            {
                // Records logged by a WAL-mode writer: fold them (and any journal) into a base.
                Checkpoint();
            }
            else if (root.JournalLength > 0)
            {
                // Bytes past the committed length are an append whose root was never published.
                OpenJournal();
            }

            return;
        }

        if (root.WalFile != GenerationFiles.Wal(root.Generation))
        {
            // A Generation-mode folder or a release's single index.wal: start this generation's
            // own log through a checkpoint, folding whatever was replayed.
            Checkpoint();
            return;
        }

        _walFile = root.WalFile;
        _wal = NativeWal.Open(System.IO.Path.Combine(_path, _walFile));
        _walRecords = replay.Applied;
        _walBytes = replay.ValidBytes;
        if (replay.ValidBytes == 0)
        {
            ResetWal();
        }
        else if (replay.ValidBytes < replay.FileBytes)
        {
            // A torn tail: the last append never completed, so it was never acknowledged.
            _wal.Truncate((ulong)replay.ValidBytes, Sync);
        }
    }

    private void Create(LodeDbOptions options)
    {
        ModelPreset? preset = options.Model is string model ? OpenPresetEmbedder(model, options) : null;
        int dim;
        if (preset is not null)
        {
            dim = EmbedderDimension(_embedder!);
        }
        else if (options.Embedder is not null)
        {
            dim = EmbedderDimension(options.Embedder);
        }
        else if (options.VectorDim is int vectorDim)
        {
            dim = vectorDim;
        }
        else
        {
            throw new ArgumentException($"'{_path}' holds no database yet; creating one needs VectorDim, or an Embedder with its ModelName (or a Model preset), in the options.", nameof(options));
        }

        int bits = options.BitWidth ?? DefaultBitWidth;
        bool storeText = options.StoreText ?? true;
        _identity = new StoreIdentity
        {
            Dim = dim,
            BitWidth = bits,
            Seed = options.Seed ?? DefaultSeed,
            StorageProfile = StoreIdentity.ProfileFor(bits, options.Rescore ?? RescoreStorage.None),
            StoreText = storeText,
            IndexText = options.IndexText ?? storeText,
        };
        if (preset is not null)
        {
            _identity.Kind = StoreIdentity.PresetKind;
            _identity.Task = TaskFor(_embedder!);
            _identity.Model = preset.Repository;
            _identity.Preset = preset.Name;
        }
        else if (options.Embedder is not null)
        {
            _identity.Kind = StoreIdentity.CustomKind;
            _identity.Task = TaskFor(options.Embedder);
            _identity.Model = options.ModelName!;
        }

        _bm25 = _identity.HasLexical ? new Bm25Index() : null;
        _index = NativeIndex.Create(dim, bits, _identity.Seed);
        _rescore = _identity.Rescore == RescoreStorage.None ? null : RescoreStore.CreateEmpty(_identity.Rescore, dim);
        _rows = new SlotTable();
        _generation = 0;
        // Generation 1 (empty) is published at once so the identity is on disk from the start.
        Checkpoint();
    }

    /// <summary>
    /// Loads the generation the root names. The generations it references are pinned while they
    /// load, so a writer checkpointing in a tight loop cannot delete them under this handle; the
    /// root is read again only when a pin came too late (the writer swept the generation between
    /// the root read and the pin) or the folder takes no pin file.
    /// </summary>
    private void LoadReadOnly(LodeDbOptions options)
    {
        if (!File.Exists(RootPath))
        {
            throw new DatabaseNotFoundException(_path);
        }

        for (int attempt = 0; ; attempt++)
        {
            string rootText = ReadAllTextShared(RootPath);
            IDisposable? pins = null;
            try
            {
                CommitRoot root = ParseRoot(rootText);
                pins = GenerationFiles.TryPin(_path, ReferencedGenerations(root));
                CheckIdentity(_path, root.Identity, options);
                if (!options.WithoutEmbedder)
                {
                    OpenRecordedPresetEmbedder(root.Identity, options);
                }

                LoadGeneration(root);
                WalReplay replay = ReplayWal(root);
                // Without a pin (or with a release's single index.wal, which a checkpoint resets
                // in place) a log read after a checkpoint could miss folded records: the base
                // must still be the current one.
                if ((pins is null || root.WalFile == GenerationFiles.LegacyWalFileName) && BaseOf(ReadAllTextShared(RootPath)) != root.BaseGeneration)
                {
                    ReleaseIndex();
                    if (attempt == MaxReadOnlyAttempts)
                    {
                        throw new LodeDatabaseException($"The writer of '{_path}' checkpointed {MaxReadOnlyAttempts} times while this read-only handle loaded, so it got no consistent snapshot. Open it again, or raise CheckpointEveryRecords on the writer.");
                    }

                    Thread.Sleep(attempt);
                    continue;
                }

                _walFile = root.WalFile;
                _walRecords = replay.Applied;
                _walBytes = replay.ValidBytes;
                return;
            }
            catch (Exception ex) when (ex is IOException or CorruptDatabaseException && attempt < MaxReadOnlyAttempts && SafeReadRoot() != rootText)
            {
                // The writer published (and swept) a newer generation while this one loaded.
                ReleaseIndex();
                Thread.Sleep(attempt);
            }
            finally
            {
                pins?.Dispose();
            }
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

    private static long BaseOf(string rootText)
    {
        try
        {
            return ParseRoot(rootText).BaseGeneration;
        }
        catch (CorruptDatabaseException)
        {
            return -1;
        }
    }

    private void ReleaseIndex()
    {
        _index?.Dispose();
        _index = null;
        _rescore?.Dispose();
        _rescore = null;
        _rows = new SlotTable();
        _bm25 = null;
    }

    private string? SafeReadRoot()
    {
        try
        {
            return ReadAllTextShared(RootPath);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string ReadAllTextShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private CommitRoot ReadRoot() => ParseRoot(ReadAllTextShared(RootPath));

    internal static CommitRoot ParseRoot(string text)
    {
        CommitRoot? root;
        try
        {
            root = JsonSerializer.Deserialize(text, CommitRootJsonContext.Default.CommitRoot);
        }
        catch (JsonException ex)
        {
            throw new CorruptDatabaseException(RootFileName, ex.Message, ex);
        }

        if (root is null || root.Generation < 1 || root.Identity is null || root.Identity.Dim < 1 ||
            root.Identity.BitWidth is not (2 or 4) || root.BaseGeneration < 1 || root.BaseGeneration > root.Generation ||
            root.CodesFile != GenerationFiles.Codes(root.BaseGeneration) || root.RowsFile != GenerationFiles.Rows(root.BaseGeneration) ||
            root.JournalLength < 0 || (root.JournalLength > 0 && root.JournalFile != GenerationFiles.Journal(root.BaseGeneration)) ||
            root.WalFile is null || (root.WalFile.Length > 0 && root.WalFile != GenerationFiles.LegacyWalFileName && root.WalFile != GenerationFiles.Wal(root.Generation)) ||
            (root.Identity.RescoreOrNull() is RescoreStorage rescore && root.RescoreFile != (rescore == RescoreStorage.None ? "" : GenerationFiles.Rescore(root.BaseGeneration))))
        {
            throw new CorruptDatabaseException(RootFileName, "missing or inconsistent fields");
        }

        return root;
    }

    private void LoadGeneration(CommitRoot root)
    {
        _identity = root.Identity;
        _generation = root.Generation;
        _baseGeneration = root.BaseGeneration;
        RequireNamedFiles(root);
        string codesPath = System.IO.Path.Combine(_path, root.CodesFile);
        NativeIndex index;
        try
        {
            index = NativeIndex.Load(codesPath);
        }
        catch (CorruptDataException ex)
        {
            throw new CorruptDatabaseException(root.CodesFile, ex.NativeMessage, ex);
        }
        catch (LodeDbNotSupportedException ex) when (root.FormatVersion <= StoreIdentity.CurrentFormatVersion)
        {
            // The root pointer was written by this format version, so a snapshot claiming a newer
            // one is a damaged header, not an upgrade.
            throw new CorruptDatabaseException(root.CodesFile, ex.NativeMessage, ex);
        }
        catch (LodeDbIOException ex) when (!File.Exists(codesPath))
        {
            throw MissingFile(root.CodesFile, ex);
        }

        try
        {
            if (index.Dimension != _identity.Dim || index.Bits != _identity.BitWidth || index.Seed != _identity.Seed)
            {
                throw new CorruptDatabaseException(root.CodesFile,
                    $"it holds a {index.Dimension}-d {index.Bits}-bit index with seed {index.Seed}, the root pointer records {_identity.Dim}-d {_identity.BitWidth}-bit seed {_identity.Seed}");
            }

            SlotTable rows;
            IReadOnlyList<string>?[] tokens;
            try
            {
                rows = RowsFile.Read(System.IO.Path.Combine(_path, root.RowsFile), root.BaseGeneration, out tokens);
            }
            catch (FileNotFoundException ex)
            {
                throw MissingFile(root.RowsFile, ex);
            }

            if ((ulong)rows.SlotCount != index.SlotCount || (ulong)rows.LiveSlotCount != index.LiveCount)
            {
                throw new CorruptDatabaseException(root.RowsFile,
                    $"it maps {rows.SlotCount} slots ({rows.LiveSlotCount} live), the index file holds {index.SlotCount} ({index.LiveCount} live)");
            }

            _index = index;
            _rows = rows;
            _bm25 = BuildLexicalIndex(rows, tokens);
            LoadRescore(root);
        }
        catch
        {
            index.Dispose();
            _index = null;
            throw;
        }

        if (root.JournalLength > 0)
        {
            ApplyJournal(root.JournalFile, root.JournalLength);
        }
    }

    /// <summary>Every file the root names must exist: a missing one is damage, never an empty store.</summary>
    private void RequireNamedFiles(CommitRoot root)
    {
        // A repair salvages around a missing journal; the base's own files it cannot do without.
        foreach (string name in new[] { root.CodesFile, root.RowsFile, root.RescoreFile, root.JournalLength > 0 && _salvage is null ? root.JournalFile : "" })
        {
            if (name.Length > 0 && !File.Exists(System.IO.Path.Combine(_path, name)))
            {
                throw MissingFile(name, null);
            }
        }
    }

    private static CorruptDatabaseException MissingFile(string name, Exception? inner) =>
        new(name, -1, $"the file is missing, though {RootFileName} names it", inner);
}
