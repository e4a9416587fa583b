using System.Globalization;
using System.Text.Json;
using LodeDb.Lexical;
using LodeDb.Embeddings.Onnx;
using LodeDb.Native;
using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>The commit protocol: generations, the root pointer, the write-ahead log, replay.</summary>
public sealed partial class LodeDatabase
{
    private string RootPath => System.IO.Path.Combine(_path, RootFileName);

    private string WalPath => System.IO.Path.Combine(_path, WalFileName);

    private bool Sync => _durability == Durability.Fsync;

    private static string CodesFileName(long generation) => string.Create(CultureInfo.InvariantCulture, $"{Key}.g{generation}.codes");

    private static string RowsFileName(long generation) => string.Create(CultureInfo.InvariantCulture, $"{Key}.g{generation}.rows");

    private static string JournalFileName(long generation) => string.Create(CultureInfo.InvariantCulture, $"{Key}.g{generation}.journal");

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
        WalReplay replay = ReplayWal();
        if (_commitMode == CommitMode.Generation)
        {
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

            File.Delete(WalPath);
            return;
        }

        _wal = NativeWal.Open(WalPath);
        _walRecords = replay.Applied;
        _walBytes = replay.ValidBytes;
        if (replay.Stale || replay.ValidBytes == 0)
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

    private const int MaxReadOnlyAttempts = 50;

    private void LoadReadOnly(LodeDbOptions options)
    {
        if (!File.Exists(RootPath))
        {
            throw new DatabaseNotFoundException(_path);
        }

        // A writer may publish a generation (and delete an old one) while this handle loads;
        // then the files named by the root we read are gone or the log was reset: read again.
        for (int attempt = 0; ; attempt++)
        {
            string rootText = ReadAllTextShared(RootPath);
            try
            {
                CommitRoot root = ParseRoot(rootText);
                CheckIdentity(_path, root.Identity, options);
                OpenRecordedPresetEmbedder(root.Identity, options);
                LoadGeneration(root);
                WalReplay replay = ReplayWal();
                // A checkpoint renames the root (with a new base) before it resets the log, so a
                // log read after a reset (empty, or begun for the next generation) is always
                // followed by a new base here: without this check a reader could miss the folded
                // records. A Generation-mode commit keeps the base (it only lengthens the journal,
                // of which this handle read the prefix its root committed), so it needs no retry.
                if (BaseOf(ReadAllTextShared(RootPath)) != root.BaseGeneration)
                {
                    ReleaseIndex();
                    if (attempt == MaxReadOnlyAttempts)
                    {
                        throw new LodeDatabaseException($"The writer of '{_path}' checkpointed {MaxReadOnlyAttempts} times while this read-only handle loaded, so it got no consistent snapshot. Open it again, or raise CheckpointEveryRecords on the writer.");
                    }

                    Thread.Sleep(attempt);
                    continue;
                }

                _walRecords = replay.Applied;
                _walBytes = replay.ValidBytes;
                return;
            }
            catch (Exception ex) when (ex is IOException or CorruptDatabaseException && attempt < MaxReadOnlyAttempts && SafeReadRoot() != rootText)
            {
                ReleaseIndex();
                Thread.Sleep(attempt);
            }
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

    private static CommitRoot ParseRoot(string text)
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
            root.CodesFile != CodesFileName(root.BaseGeneration) || root.RowsFile != RowsFileName(root.BaseGeneration) ||
            root.JournalLength < 0 || (root.JournalLength > 0 && root.JournalFile != JournalFileName(root.BaseGeneration)) ||
            (root.Identity.RescoreOrNull() is RescoreStorage rescore && root.RescoreFile != (rescore == RescoreStorage.None ? "" : RescoreFileName(root.BaseGeneration))))
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
            throw new FileNotFoundException($"The generation file '{root.CodesFile}' named by {RootFileName} is missing.", codesPath, ex);
        }

        try
        {
            if (index.Dimension != _identity.Dim || index.Bits != _identity.BitWidth || index.Seed != _identity.Seed)
            {
                throw new CorruptDatabaseException(root.CodesFile,
                    $"it holds a {index.Dimension}-d {index.Bits}-bit index with seed {index.Seed}, the root pointer records {_identity.Dim}-d {_identity.BitWidth}-bit seed {_identity.Seed}");
            }

            SlotTable rows = RowsFile.Read(System.IO.Path.Combine(_path, root.RowsFile), root.BaseGeneration, out IReadOnlyList<string>?[] tokens);
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

    /// <summary>
    /// Applies the committed prefix of a Generation-mode journal. Unlike the WAL's tail, every
    /// byte of that prefix was committed by a root rename, so a frame that does not decode
    /// there is damage, never a torn append.
    /// </summary>
    private void ApplyJournal(string name, long committedLength)
    {
        byte[] data = new byte[committedLength];
        using (var stream = new FileStream(System.IO.Path.Combine(_path, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length < committedLength)
            {
                throw new CorruptDatabaseException(name, $"it holds {stream.Length} bytes, the root pointer committed {committedLength}");
            }

            stream.ReadExactly(data);
        }

        long offset = 0;
        long records = 0;
        while (offset < committedLength)
        {
            LodeDbWalRecord frame;
            try
            {
                frame = NativeWal.Next(data, (ulong)offset) ?? throw new CorruptDataException("unexpected end");
            }
            catch (CorruptDataException ex)
            {
                throw new CorruptDatabaseException(name, $"frame at offset {offset}: {ex.NativeMessage}", ex);
            }

            ApplyLogRecord(DecodeLogRecord(data, frame, name, offset), name, offset);
            records++;
            offset = checked((long)frame.NextOffset);
        }

        _walRecords = records;
        _walBytes = committedLength;
    }

    private static WalRecord DecodeLogRecord(byte[] data, LodeDbWalRecord frame, string name, long offset)
    {
        try
        {
            return WalRecord.Decode(data.AsSpan(checked((int)frame.PayloadOffset), checked((int)frame.PayloadLength)).ToArray());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or System.Text.DecoderFallbackException or OverflowException)
        {
            // The frame's CRC matched, so these bytes were written as they are: not a torn tail.
            throw new CorruptDatabaseException(name, $"record at offset {offset}: {ex.Message}", ex);
        }
    }

    private void ApplyLogRecord(WalRecord record, string name, long offset)
    {
        switch (record)
        {
            case UpsertRecord upsert:
                ApplyUpsert(upsert.Batch);
                break;
            case RemoveRecord remove:
                ApplyRemove(remove.Id);
                break;
            default:
                throw new CorruptDatabaseException(name, $"an unexpected Begin record at offset {offset}");
        }
    }

    /// <summary>Opens the current base's journal for appending, cutting bytes past the committed length.</summary>
    private void OpenJournal()
    {
        _wal = NativeWal.Open(System.IO.Path.Combine(_path, JournalFileName(_baseGeneration)));
        if (_wal.Size != (ulong)_walBytes)
        {
            _wal.Truncate((ulong)_walBytes, Sync);
        }
    }

    private readonly record struct WalReplay(long ValidBytes, long FileBytes, long Applied, bool Stale);

    /// <summary>
    /// Applies the log's records on top of the loaded generation. Stops at the first torn or
    /// corrupt frame (a crash mid-append); a log whose Begin record names another generation is
    /// stale and ignored. The caller truncates (writers) or just reads (read-only handles).
    /// </summary>
    private WalReplay ReplayWal()
    {
        byte[] data;
        try
        {
            using var stream = new FileStream(WalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            data = new byte[stream.Length];
            stream.ReadExactly(data);
        }
        catch (FileNotFoundException)
        {
            return new WalReplay(0, 0, 0, Stale: false);
        }

        long offset = 0;
        long applied = 0;
        bool first = true;
        while (true)
        {
            LodeDbWalRecord? frame;
            try
            {
                frame = NativeWal.Next(data, (ulong)offset);
            }
            catch (CorruptDataException)
            {
                // A torn or damaged frame: the valid prefix ends here (a crash mid-append).
                break;
            }

            if (frame is not LodeDbWalRecord current)
            {
                break;
            }

            long next = checked((long)current.NextOffset);
            WalRecord record = DecodeLogRecord(data, current, WalFileName, offset);
            if (first)
            {
                if (record is not BeginRecord begin)
                {
                    throw new CorruptDatabaseException(WalFileName, "the log does not start with a Begin record");
                }

                if (begin.Generation != _generation)
                {
                    return new WalReplay(0, data.Length, 0, Stale: true);
                }

                first = false;
            }
            else
            {
                ApplyLogRecord(record, WalFileName, offset);
                applied++;
            }

            offset = next;
        }

        return new WalReplay(offset, data.Length, applied, Stale: false);
    }

    /// <summary>Makes one mutation durable per the commit mode, then applies it in memory.</summary>
    private void Commit(byte[] walPayload, Action apply)
    {
        if (_commitMode == CommitMode.Wal)
        {
            NativeWal wal = _wal ?? throw new InvalidOperationException("The write-ahead log is not open.");
            try
            {
                wal.Append(walPayload, Sync);
            }
            catch (Exception appendError)
            {
                // A failed append may leave a partial frame; a later record after it would be
                // unreachable by replay (which stops at the first bad frame). Cut it off, or stop.
                try
                {
                    wal.Truncate((ulong)_walBytes, Sync);
                }
                catch (Exception truncateError)
                {
                    _faulted = $"{appendError.Message}; then {truncateError.Message}";
                }

                throw;
            }

            _walRecords++;
            _walBytes += walPayload.Length + NativeConstants.WalRecordOverhead;
            try
            {
                apply();
            }
            catch (Exception ex)
            {
                _faulted = ex.Message;
                throw;
            }

            if (_walRecords >= _checkpointRecords || _walBytes >= _checkpointBytes)
            {
                CheckpointGuarded();
            }

            return;
        }

        // Generation mode: apply, then publish generation N+1 as the base plus one more journal
        // record (O(changed) bytes and a small root), or fold into a new base past the limits.
        try
        {
            apply();
            if (_walRecords + 1 >= _checkpointRecords || _walBytes + walPayload.Length + NativeConstants.WalRecordOverhead >= _checkpointBytes)
            {
                Checkpoint();
                return;
            }

            if (_wal is null)
            {
                OpenJournal();
            }

            _wal!.Append(walPayload, Sync);
            _walRecords++;
            _walBytes += walPayload.Length + NativeConstants.WalRecordOverhead;
            PublishRoot(_generation + 1);
            _generation++;
        }
        catch (Exception ex)
        {
            // Memory is ahead of the disk: refuse further use rather than serve (or later
            // persist) a state the disk does not have.
            _faulted = ex.Message;
            throw;
        }
    }

    /// <summary>
    /// Writes the root pointer of <paramref name="generation"/> (the current base, journal length
    /// and identity) to a temp file, fsyncs it under Fsync, and renames it over
    /// <c>index.commit.json</c>: the single atomic step that commits a generation.
    /// </summary>
    private void PublishRoot(long generation)
    {
        var root = new CommitRoot
        {
            Generation = generation,
            BaseGeneration = _baseGeneration,
            Identity = _identity,
            CodesFile = CodesFileName(_baseGeneration),
            RowsFile = RowsFileName(_baseGeneration),
            RescoreFile = _rescore is null ? "" : RescoreFileName(_baseGeneration),
            JournalFile = _commitMode == CommitMode.Generation && _walBytes > 0 ? JournalFileName(_baseGeneration) : "",
            JournalLength = _commitMode == CommitMode.Generation ? _walBytes : 0,
            WalFile = WalFileName,
            LiveCount = _rows.LiveCount,
            SlotCount = _rows.SlotCount,
            CommittedAt = DateTimeOffset.UtcNow,
        };
        string temp = RootPath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, root, CommitRootJsonContext.Default.CommitRoot);
            stream.Flush(Sync);
        }

        File.Move(temp, RootPath, overwrite: true);
        if (Sync)
        {
            // The rename (and the new generation files before it) live in the directory's
            // entries: without this a power loss could bring back the previous root.
            NativeFileSystem.SyncParentDirectory(RootPath);
        }
    }

    private void CheckpointGuarded()
    {
        try
        {
            Checkpoint();
        }
        catch (Exception ex) when (_commitMode == CommitMode.Generation)
        {
            // The mutation is applied in memory but not published: refuse further use rather
            // than serve (or later persist) a state the disk does not have.
            _faulted = ex.Message;
            throw;
        }
    }

    /// <summary>
    /// Publishes generation N+1: the native snapshot and the rows file under fresh
    /// generation-addressed names, then the root pointer by atomic rename, then the log reset.
    /// A crash before the rename leaves generation N (plus its log) in force; after it, the old
    /// log's Begin record names N, so it is recognised as stale and discarded.
    /// </summary>
    private void Checkpoint()
    {
        long next = _generation + 1;
        int dead = _rows.SlotCount - _rows.LiveSlotCount;
        if (dead > 0 && dead * 4 >= _rows.SlotCount)
        {
            ulong[] map = Index.Compact();
            _rows.Compact(map);
            _bm25 = RemapLexicalIndex(_bm25, map);
            _rescore?.Compact(map);
        }

        Index.Save(System.IO.Path.Combine(_path, CodesFileName(next)), Sync);
        Bm25Index? lexical = _bm25;
        RowsFile.Write(System.IO.Path.Combine(_path, RowsFileName(next)), next, _rows, Sync,
            _identity.PersistsTerms && lexical is not null ? slot => lexical.GetTerms((ulong)slot) : null);
        WriteRescore(next);
        long previousBase = _baseGeneration;
        long previousBytes = _walBytes;
        _baseGeneration = next;
        _walBytes = 0;
        try
        {
            PublishRoot(next);
        }
        catch
        {
            _baseGeneration = previousBase;
            _walBytes = previousBytes;
            throw;
        }

        _generation = next;
        _walRecords = 0;
        if (_commitMode == CommitMode.Generation)
        {
            // The next journal belongs to the new base; the old one is garbage once unreferenced.
            _wal?.Dispose();
            _wal = null;
        }

        if (_commitMode == CommitMode.Wal)
        {
            try
            {
                _wal ??= NativeWal.Open(WalPath);
                ResetWal();
            }
            catch (Exception ex)
            {
                // The log still begins with the old generation, so records appended now would be
                // discarded as stale on the next open: refuse further writes on this handle.
                _faulted = ex.Message;
                throw;
            }
        }

        DeleteOldGenerations(next, previousBase);
    }

    /// <summary>The in-memory BM25 index of a loaded base: from stored text, else from persisted terms; null without a lexical source.</summary>
    private Bm25Index? BuildLexicalIndex(SlotTable rows, IReadOnlyList<string>?[] tokens)
    {
        if (!_identity.HasLexical)
        {
            return null;
        }

        var index = new Bm25Index();
        for (int slot = 0; slot < rows.SlotCount; slot++)
        {
            if (rows.IdAt(slot) is null)
            {
                continue;
            }

            IReadOnlyList<string>? slotTokens = tokens[slot] is IReadOnlyList<string> persisted ? persisted : rows.TextAt(slot) is string text ? LexicalTokenizer.Tokenize(text) : null;
            if (slotTokens is { Count: > 0 })
            {
                index.Add((ulong)slot, slotTokens);
            }
        }

        return index;
    }

    /// <summary>Re-keys the lexical index after a native compaction (old slot -> new slot or ulong.MaxValue).</summary>
    private static Bm25Index? RemapLexicalIndex(Bm25Index? old, ReadOnlySpan<ulong> map)
    {
        if (old is null)
        {
            return null;
        }

        var index = new Bm25Index();
        for (int slot = 0; slot < map.Length; slot++)
        {
            if (map[slot] == ulong.MaxValue)
            {
                continue;
            }

            IReadOnlyList<KeyValuePair<string, int>> terms = old.GetTerms((ulong)slot);
            if (terms.Count > 0)
            {
                index.Add(map[slot], ExpandTerms(terms));
            }
        }

        return index;
    }

    private static string[] ExpandTerms(IReadOnlyList<KeyValuePair<string, int>> terms)
    {
        var tokens = new List<string>();
        foreach ((string term, int frequency) in terms)
        {
            for (int i = 0; i < frequency; i++)
            {
                tokens.Add(term);
            }
        }

        return tokens.ToArray();
    }

    private void ResetWal()
    {
        NativeWal wal = _wal!;
        wal.Truncate(0UL, Sync);
        byte[] begin = WalRecord.EncodeBegin(_generation);
        wal.Append(begin, Sync);
        _walBytes = begin.Length + NativeConstants.WalRecordOverhead;
    }

    /// <summary>
    /// Deletes generation files other than the new base's and the previous root's base (a
    /// read-only handle may be loading the previous root; if its files vanish it retries).
    /// </summary>
    private void DeleteOldGenerations(long current, long previous)
    {
        foreach (string file in Directory.EnumerateFiles(_path, Key + ".g*"))
        {
            string name = System.IO.Path.GetFileName(file);
            int dot = name.IndexOf('.', Key.Length + 2);
            if (dot < 0 || !long.TryParse(name.AsSpan(Key.Length + 2, dot - Key.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out long generation))
            {
                continue;
            }

            if (generation != current && generation != previous)
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Best effort: an unreferenced file is garbage, never loaded (on Windows a
                    // sidecar still mapped by a read-only handle cannot be deleted yet).
                }
            }
        }
    }
}
