using LodeDb.Native;
using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>
/// The commit protocol of one folder: the log a mutation is appended to (a generation's WAL, or
/// the base's journal in Generation mode), the generation counters, checkpoints that publish a
/// new generation, and the root pointer. After a failed commit it holds the
/// <see cref="Fault"/> that makes the handle refuse further use. Guarded by the database's write
/// lock, except waiting for durability (<see cref="WaitDurable"/>), which runs outside it so that
/// concurrent <see cref="Durability.Fsync"/> writers share one fdatasync (<see cref="GroupSync"/>).
/// </summary>
internal sealed class CommitLog : IDisposable
{
    private readonly string _folder;
    private readonly int _checkpointRecords;
    private readonly long _checkpointBytes;
    private readonly GroupSync _group = new();
    private volatile string? _fault;
    // Written under the write lock inside GroupSync.Exclusive (or while opening); read by a sync leader.
    private volatile NativeWal? _wal;

    public CommitLog(string folder, CommitMode mode, Durability durability, int checkpointRecords, long checkpointBytes)
    {
        _folder = folder;
        Mode = mode;
        Durability = durability;
        _checkpointRecords = checkpointRecords;
        _checkpointBytes = checkpointBytes;
        _group.Failed = error => _fault ??= $"the write-ahead log's fdatasync failed: {error.Message}";
    }

    public CommitMode Mode { get; }

    public Durability Durability { get; }

    public bool Sync => Durability == Durability.Fsync;

    /// <summary>The published generation.</summary>
    public long Generation { get; private set; }

    /// <summary>The generation whose snapshot, rows and sidecar files the current one starts from.</summary>
    public long BaseGeneration { get; private set; }

    /// <summary>Records in the log past the base (WAL records, or committed journal records).</summary>
    public long Records { get; private set; }

    /// <summary>Bytes of the log (WAL mode: the file, Begin record included; Generation mode: the committed journal).</summary>
    public long Bytes { get; private set; }

    /// <summary>The log the root names: <c>index.g{G}.wal</c> (WAL mode), "" (Generation mode), or the legacy <c>index.wal</c>.</summary>
    public string WalFile { get; private set; } = "";

    /// <summary>Why the handle stopped (memory may be ahead of the disk), or null.</summary>
    public string? Fault { get => _fault; private set => _fault = value; }

    /// <summary>How a group-commit leader makes the log durable: <see cref="NativeWal.Sync"/>; tests replace it to count or fail syncs.</summary>
    internal Action<NativeWal> LogSync { get; set; } = static wal => wal.Sync();

    /// <summary>The group commit's counters (tests).</summary>
    internal GroupSync Group => _group;

    /// <summary>The owning handle's metrics and logger (set by the handle after construction).</summary>
    public Diagnostics.OperationTelemetry? Telemetry { get; set; }

    /// <summary>Takes the generation counters of a loaded root (before any log is replayed).</summary>
    public void Adopt(CommitRoot root)
    {
        Generation = root.Generation;
        BaseGeneration = root.BaseGeneration;
    }

    /// <summary>Takes the counters of a replayed journal prefix.</summary>
    public void AdoptJournal(long records, long bytes)
    {
        Records = records;
        Bytes = bytes;
    }

    /// <summary>A read-only handle: the counters of the log it replayed, never appended to.</summary>
    public void AdoptReadOnly(CommitRoot root, LogReplay.WalReplay replay)
    {
        WalFile = root.WalFile;
        Records = replay.Applied;
        Bytes = replay.ValidBytes;
    }

    /// <summary>A repair replays every record it can, then folds them by a checkpoint.</summary>
    public void ForgetRecords() => Records = 0;

    /// <summary>
    /// A writer after replay: continue the log the root names, or start a new one through a
    /// checkpoint when the folder was written in the other mode (or by an older release).
    /// </summary>
    public void Resume(SlotStore store, CommitRoot root, LogReplay.WalReplay replay)
    {
        if (Mode == CommitMode.Generation)
        {
            WalFile = "";
            if (replay.Applied > 0)
            {
                // Records logged by a WAL-mode writer: fold them (and any journal) into a base.
                Checkpoint(store);
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
            Checkpoint(store);
            return;
        }

        WalFile = root.WalFile;
        _wal = NativeWal.Open(Path.Combine(_folder, WalFile));
        Records = replay.Applied;
        Bytes = replay.ValidBytes;
        if (replay.ValidBytes < replay.FileBytes && Telemetry is { } telemetry)
        {
            Diagnostics.LodeDbLog.TornTailDropped(telemetry.Logger, Path.Combine(_folder, WalFile), replay.ValidBytes, replay.FileBytes - replay.ValidBytes);
        }

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

    /// <summary>
    /// Makes one mutation durable per the commit mode, then applies it in memory, waiting for the
    /// fdatasync while the caller still holds the write lock (no group commit). Writers that can
    /// release the lock first use <see cref="Append"/>, then <see cref="WaitDurable"/>.
    /// </summary>
    public void Commit(SlotStore store, byte[] walPayload, Action apply) => WaitDurable(Append(store, walPayload, apply));

    /// <summary>
    /// Logs one mutation and applies it in memory (call under the write lock). In WAL mode with
    /// <see cref="Durability.Fsync"/> the record is written but not yet synced: the caller must
    /// release the write lock and call <see cref="WaitDurable"/> with the ticket before it
    /// acknowledges the write (until then a concurrent search may already see it). In every other
    /// case the mutation is as durable as the mode makes it when this returns.
    /// </summary>
    public CommitTicket Append(SlotStore store, byte[] walPayload, Action apply)
    {
        if (Mode == CommitMode.Wal)
        {
            NativeWal wal = _wal ?? throw new InvalidOperationException("The write-ahead log is not open.");
            try
            {
                wal.Append(walPayload, sync: false);
            }
            catch (Exception appendError)
            {
                // A failed append may leave a partial frame; a later record after it would be
                // unreachable by replay (which stops at the first bad frame). Cut it off (with no
                // group sync running on the file), or stop.
                try
                {
                    _group.Exclusive(() =>
                    {
                        wal.Truncate((ulong)Bytes, Sync);
                        return false;
                    });
                }
                catch (Exception truncateError)
                {
                    Fault = $"{appendError.Message}; then {truncateError.Message}";
                }

                throw;
            }

            CommitTicket ticket = Sync ? _group.Appended() : CommitTicket.Durable;

            Records++;
            Bytes += walPayload.Length + NativeConstants.WalRecordOverhead;
            CountWalBytes(walPayload.Length + NativeConstants.WalRecordOverhead);
            try
            {
                apply();
            }
            catch (Exception ex)
            {
                Fault = ex.Message;
                throw;
            }

            if (Records >= _checkpointRecords || Bytes >= _checkpointBytes)
            {
                CheckpointGuarded(store);
            }

            return ticket;
        }

        // Generation mode: apply, then publish generation N+1 as the base plus one more journal
        // record (O(changed) bytes and a small root), or fold into a new base past the limits.
        try
        {
            apply();
            if (Records + 1 >= _checkpointRecords || Bytes + walPayload.Length + NativeConstants.WalRecordOverhead >= _checkpointBytes)
            {
                Checkpoint(store);
                return CommitTicket.Durable;
            }

            if (_wal is null)
            {
                OpenJournal();
            }

            _wal!.Append(walPayload, Sync);
            Records++;
            Bytes += walPayload.Length + NativeConstants.WalRecordOverhead;
            CountWalBytes(walPayload.Length + NativeConstants.WalRecordOverhead);
            PublishRoot(store, Generation + 1);
            Generation++;
            return CommitTicket.Durable;
        }
        catch (Exception ex)
        {
            // Memory is ahead of the disk: refuse further use rather than serve (or later
            // persist) a state the disk does not have.
            Fault = ex.Message;
            throw;
        }
    }

    /// <summary>
    /// Returns once the record of <paramref name="ticket"/> is durable (call without the write
    /// lock, so other writers can append meanwhile): the first waiter with no sync in flight
    /// fdatasyncs the log for every record appended so far. A failed sync faults the handle and
    /// throws <see cref="LodeDatabaseException"/> to every writer it would have covered.
    /// </summary>
    public void WaitDurable(CommitTicket ticket)
    {
        if (ticket.Sequence > 0)
        {
            _group.WaitDurable(ticket, SyncLog);
        }
    }

    /// <summary>A leader's sync of the current log (no checkpoint can swap it meanwhile: see <see cref="GroupSync.Exclusive"/>).</summary>
    private void SyncLog()
    {
        NativeWal wal = _wal ?? throw new InvalidOperationException("The write-ahead log is not open.");
        LogSync(wal);
    }

    /// <summary>A checkpoint after an applied mutation: in Generation mode its failure leaves memory ahead of the disk.</summary>
    public void CheckpointGuarded(SlotStore store)
    {
        try
        {
            Checkpoint(store);
        }
        catch (Exception ex) when (Mode == CommitMode.Generation)
        {
            // The mutation is applied in memory but not published: refuse further use rather
            // than serve (or later persist) a state the disk does not have.
            Fault = ex.Message;
            throw;
        }
    }

    /// <summary>
    /// Publishes generation N+1: the store's snapshot, rows file and sidecar under fresh
    /// generation-addressed names and (WAL mode) the new generation's own log holding its Begin
    /// record, then the root pointer by atomic rename. A crash before the rename leaves
    /// generation N and its log in force; after it, N's files are garbage that the sweep deletes
    /// once no reader pins them. No log is ever reset in place, so a reader that pinned N can
    /// always replay N's log.
    /// </summary>
    public void Checkpoint(SlotStore store)
    {
        if (Telemetry is not { } telemetry)
        {
            CheckpointCore(store);
            return;
        }

        long folded = Records;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        telemetry.Run("lodedb.checkpoint", "Checkpoint", Diagnostics.LodeDbTelemetry.CheckpointDuration, activity =>
        {
            activity?.SetTag("lodedb.wal.records", folded);
            CheckpointCore(store);
            return 0;
        });
        Diagnostics.LodeDbLog.Checkpointed(telemetry.Logger, _folder, Generation, store.Rows.LiveCount, folded,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void CountWalBytes(long bytes)
    {
        if (Telemetry is { } telemetry)
        {
            Diagnostics.LodeDbTelemetry.WalBytes.Add(bytes, telemetry.PathTag);
        }
    }

    /// <summary>Checkpoints with no group sync running on the log it replaces; under Fsync it makes every appended record durable.</summary>
    private void CheckpointCore(SlotStore store)
    {
        _group.Exclusive(() =>
        {
            CheckpointFiles(store);
            return Sync;
        });
    }

    private void CheckpointFiles(SlotStore store)
    {
        long next = Generation + 1;
        store.CompactIfWorthIt();
        store.Save(_folder, next, Sync);
        NativeWal? nextWal = Mode == CommitMode.Wal ? StartWal(next) : null;
        long previousBase = BaseGeneration;
        long previousBytes = Bytes;
        string previousWalFile = WalFile;
        BaseGeneration = next;
        Bytes = 0;
        WalFile = nextWal is null ? "" : GenerationFiles.Wal(next);
        try
        {
            PublishRoot(store, next);
        }
        catch
        {
            BaseGeneration = previousBase;
            Bytes = previousBytes;
            WalFile = previousWalFile;
            nextWal?.Dispose();
            throw;
        }

        Generation = next;
        Records = 0;
        // The old log (a WAL, or the previous base's journal) is garbage once unreferenced.
        _wal?.Dispose();
        _wal = nextWal;
        if (nextWal is not null)
        {
            Bytes = (long)nextWal.Size;
        }

        GenerationFiles.Sweep(_folder, new HashSet<long> { next }, keepLegacyWal: false);
    }

    /// <summary>Writes the root pointer of <paramref name="generation"/>: the current base, journal length and identity.</summary>
    private void PublishRoot(SlotStore store, long generation)
    {
        var root = new CommitRoot
        {
            Generation = generation,
            BaseGeneration = BaseGeneration,
            Identity = store.Identity,
            CodesFile = GenerationFiles.Codes(BaseGeneration),
            RowsFile = GenerationFiles.Rows(BaseGeneration),
            RescoreFile = store.Rescore is null ? "" : GenerationFiles.Rescore(BaseGeneration),
            GraphFile = store.Graph is null ? "" : GenerationFiles.Graph(BaseGeneration),
            JournalFile = Mode == CommitMode.Generation && Bytes > 0 ? GenerationFiles.Journal(BaseGeneration) : "",
            JournalLength = Mode == CommitMode.Generation ? Bytes : 0,
            WalFile = WalFile,
            LiveCount = store.Rows.LiveCount,
            SlotCount = store.Rows.SlotCount,
            CommittedAt = DateTimeOffset.UtcNow,
        };
        CommitRootFile.Publish(_folder, root, Sync);
    }

    /// <summary>Creates generation <paramref name="generation"/>'s log holding only its Begin record (a leftover of an unpublished checkpoint is overwritten).</summary>
    private NativeWal StartWal(long generation)
    {
        NativeWal wal = NativeWal.Open(Path.Combine(_folder, GenerationFiles.Wal(generation)));
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
        byte[] begin = WalRecord.EncodeBegin(Generation);
        wal.Append(begin, Sync);
        Bytes = begin.Length + NativeConstants.WalRecordOverhead;
    }

    /// <summary>Opens the current base's journal for appending, cutting bytes past the committed length.</summary>
    private void OpenJournal()
    {
        string journal = Path.Combine(_folder, GenerationFiles.Journal(BaseGeneration));
        _wal = NativeWal.Open(journal);
        if (_wal.Size != (ulong)Bytes)
        {
            if (_wal.Size > (ulong)Bytes && Telemetry is { } telemetry)
            {
                Diagnostics.LodeDbLog.TornTailDropped(telemetry.Logger, journal, Bytes, (long)_wal.Size - Bytes);
            }

            _wal.Truncate((ulong)Bytes, Sync);
        }
    }

    /// <summary>Syncs records still waiting for a group sync (Fsync, WAL mode), then closes the log.</summary>
    public void Dispose()
    {
        NativeWal? wal = _wal;
        _group.Close(Sync && Mode == CommitMode.Wal && wal is not null ? () => LogSync(wal) : null, () =>
        {
            wal?.Dispose();
            _wal = null;
        });
    }
}
