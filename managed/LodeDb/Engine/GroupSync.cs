namespace LodeDb;

/// <summary>
/// A place in the log: the number of records appended when a commit's record was written. A commit
/// is durable once <see cref="GroupSync"/> reports every record up to it durable.
/// <see cref="Durable"/> (0) needs no wait (Fast durability, Generation mode, nothing logged).
/// </summary>
internal readonly record struct CommitTicket(long Sequence)
{
    public static CommitTicket Durable => default;
}

/// <summary>
/// Group commit for <see cref="Durability.Fsync"/> in WAL mode. Writers append their record under
/// the database's write lock (<see cref="Appended"/> hands out tickets in log order), release it,
/// and wait here until an fdatasync that began after their append has succeeded. The first
/// waiter that finds no sync in flight leads: it syncs once for every record appended so far
/// while the others wait, and N writers waiting share one fdatasync. Log swaps (checkpoint),
/// truncation and closing take the same slot (<see cref="Exclusive"/>), so a sync never runs on a
/// log being replaced. A failed sync is final (after a failed fsync the kernel may have dropped
/// the dirty pages): every waiter not yet covered gets the error, and nothing later is
/// acknowledged. Lock order: the database's write lock, then this object's monitor; the sync
/// itself runs under neither.
/// </summary>
internal sealed class GroupSync
{
    private readonly object _gate = new();
    private long _appended;
    private long _durable;
    // A leader's sync or an exclusive section (checkpoint, truncate, close) is running.
    private bool _busy;
    private Exception? _failure;
    private bool _closed;

    /// <summary>Called once, under this object's monitor and before any waiter learns of it, when a sync fails.</summary>
    public Action<Exception>? Failed { get; set; }

    /// <summary>Records appended so far (test and benchmark visibility).</summary>
    public long AppendedCount => Volatile.Read(ref _appended);

    /// <summary>Records known durable.</summary>
    public long DurableCount
    {
        get
        {
            lock (_gate)
            {
                return _durable;
            }
        }
    }

    /// <summary>Counts a record whose write has returned (call under the write lock, after the append); its ticket.</summary>
    public CommitTicket Appended() => new(Interlocked.Increment(ref _appended));

    /// <summary>
    /// Returns once the record of <paramref name="ticket"/> is durable, leading a
    /// <paramref name="sync"/> for every pending record when no other thread is; throws
    /// <see cref="LodeDatabaseException"/> when the sync that would cover it failed.
    /// </summary>
    public void WaitDurable(CommitTicket ticket, Action sync)
    {
        long target;
        lock (_gate)
        {
            while (true)
            {
                if (_durable >= ticket.Sequence)
                {
                    return;
                }

                ThrowIfFailed();
                if (!_busy)
                {
                    break;
                }

                Monitor.Wait(_gate);
            }

            // Lead: every record whose write returned before this read is covered by the sync.
            _busy = true;
            target = Volatile.Read(ref _appended);
        }

        Exception? error = null;
        try
        {
            sync();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        lock (_gate)
        {
            _busy = false;
            if (error is null)
            {
                _durable = Math.Max(_durable, target);
            }
            else
            {
                Fail(error);
            }

            Monitor.PulseAll(_gate);
            ThrowIfFailed();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> with no sync in flight and none starting (a log swap,
    /// truncation, close). When it returns true every record appended so far is durable (a
    /// checkpoint published them in a synced generation).
    /// </summary>
    public void Exclusive(Func<bool> action)
    {
        lock (_gate)
        {
            while (_busy)
            {
                Monitor.Wait(_gate);
            }

            _busy = true;
        }

        bool coversAll = false;
        try
        {
            coversAll = action();
        }
        finally
        {
            lock (_gate)
            {
                _busy = false;
                if (coversAll && _failure is null)
                {
                    _durable = Volatile.Read(ref _appended);
                }

                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Whether a sync failed (the log's state is unknown; nothing more may be acknowledged).</summary>
    public bool HasFailed
    {
        get
        {
            lock (_gate)
            {
                return _failure is not null;
            }
        }
    }

    /// <summary>
    /// Closes the log: syncs what is pending once more (unless a sync already failed), then
    /// runs <paramref name="close"/>; waiters still not covered get an error.
    /// </summary>
    public void Close(Action? sync, Action close)
    {
        Exclusive(() =>
        {
            bool synced = false;
            try
            {
                if (sync is not null && !HasFailed && Volatile.Read(ref _appended) > DurableCount)
                {
                    sync();
                    synced = true;
                }
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    Fail(ex);
                }
            }
            finally
            {
                close();
                lock (_gate)
                {
                    _closed = true;
                }
            }

            return synced;
        });
    }

    /// <summary>Records the first failure and tells the owner (under the monitor).</summary>
    private void Fail(Exception error)
    {
        if (_failure is null)
        {
            _failure = error;
            Failed?.Invoke(error);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new LodeDatabaseException(
                $"The write-ahead log's fdatasync failed ({failure.Message}): this write is not durable, and the handle stopped. Dispose it and open the database again.",
                failure);
        }

        if (_closed)
        {
            throw new ObjectDisposedException(nameof(LodeDatabase), "The database was closed before this write was made durable.");
        }
    }
}
