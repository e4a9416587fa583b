using System.Text.Json;
using LodeDb.Lexical;
using LodeDb.Native;
using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>Committing: a log append per mutation (WAL mode) or a published generation (Generation mode), checkpoints, the root pointer.</summary>
public sealed partial class LodeDatabase
{
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
            CodesFile = GenerationFiles.Codes(_baseGeneration),
            RowsFile = GenerationFiles.Rows(_baseGeneration),
            RescoreFile = _rescore is null ? "" : GenerationFiles.Rescore(_baseGeneration),
            JournalFile = _commitMode == CommitMode.Generation && _walBytes > 0 ? GenerationFiles.Journal(_baseGeneration) : "",
            JournalLength = _commitMode == CommitMode.Generation ? _walBytes : 0,
            WalFile = _walFile,
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
    /// Publishes generation N+1: the native snapshot, the rows file and the sidecar under fresh
    /// generation-addressed names and (WAL mode) the new generation's own log holding its Begin
    /// record, then the root pointer by atomic rename. A crash before the rename leaves
    /// generation N and its log in force; after it, N's files are garbage that the sweep deletes
    /// once no reader pins them. No log is ever reset in place, so a reader that pinned N can
    /// always replay N's log.
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

        Index.Save(System.IO.Path.Combine(_path, GenerationFiles.Codes(next)), Sync);
        Bm25Index? lexical = _bm25;
        RowsFile.Write(System.IO.Path.Combine(_path, GenerationFiles.Rows(next)), next, _rows, Sync,
            _identity.PersistsTerms && lexical is not null ? slot => lexical.GetTerms((ulong)slot) : null);
        WriteRescore(next);
        NativeWal? nextWal = _commitMode == CommitMode.Wal ? StartWal(next) : null;
        long previousBase = _baseGeneration;
        long previousBytes = _walBytes;
        string previousWalFile = _walFile;
        _baseGeneration = next;
        _walBytes = 0;
        _walFile = nextWal is null ? "" : GenerationFiles.Wal(next);
        try
        {
            PublishRoot(next);
        }
        catch
        {
            _baseGeneration = previousBase;
            _walBytes = previousBytes;
            _walFile = previousWalFile;
            nextWal?.Dispose();
            throw;
        }

        _generation = next;
        _walRecords = 0;
        // The old log (a WAL, or the previous base's journal) is garbage once unreferenced.
        _wal?.Dispose();
        _wal = nextWal;
        if (nextWal is not null)
        {
            _walBytes = (long)nextWal.Size;
        }

        GenerationFiles.Sweep(_path, new HashSet<long> { next }, keepLegacyWal: false);
    }

    /// <summary>Creates generation <paramref name="generation"/>'s log holding only its Begin record (a leftover of an unpublished checkpoint is overwritten).</summary>
    private NativeWal StartWal(long generation)
    {
        NativeWal wal = NativeWal.Open(System.IO.Path.Combine(_path, GenerationFiles.Wal(generation)));
        try
        {
            wal.Truncate(0UL, Sync);
            wal.Append(WalRecord.EncodeBegin(generation), Sync);
            return wal;
        }
        catch
        {
            wal.Dispose();
            throw;
        }
    }

    /// <summary>Empties the current generation's log back to its Begin record (its first record was torn).</summary>
    private void ResetWal()
    {
        NativeWal wal = _wal!;
        wal.Truncate(0UL, Sync);
        byte[] begin = WalRecord.EncodeBegin(_generation);
        wal.Append(begin, Sync);
        _walBytes = begin.Length + NativeConstants.WalRecordOverhead;
    }
}
