using LodeDb.Diagnostics;

namespace LodeDb;

/// <summary>Batch removal: by ids or by filter, in one commit (one RemoveMany log record), all or nothing.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Removes every document whose id is in <paramref name="ids"/> (with all its chunks) in one
    /// atomic commit; ids that do not exist are ignored. Returns how many documents were removed.
    /// <paramref name="cancellationToken"/> is checked before the commit: a cancelled call removes nothing.
    /// </summary>
    public int RemoveMany(IEnumerable<string> ids, CancellationToken cancellationToken = default) => RemoveManyCore(ids, cancellationToken);

    /// <summary>As <see cref="RemoveMany"/>, with cancellation (checked before the commit; a cancelled call removes nothing).</summary>
    public Task<int> RemoveManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        Task.FromResult(RemoveManyCore(ids, cancellationToken));

    /// <summary>
    /// Removes every document matching <paramref name="filter"/> in one atomic commit, chosen and
    /// removed under one write lock (no concurrent write slips between). Returns how many were removed.
    /// <paramref name="cancellationToken"/> is checked while matching and before the commit.
    /// </summary>
    public int RemoveWhere(Filter filter, CancellationToken cancellationToken = default) => RemoveWhereCore(filter, cancellationToken);

    /// <summary>As <see cref="RemoveWhere"/>, with cancellation (checked while matching and before the commit).</summary>
    public Task<int> RemoveWhereAsync(Filter filter, CancellationToken cancellationToken = default) =>
        Task.FromResult(RemoveWhereCore(filter, cancellationToken));

    private int RemoveManyCore(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(nameof(RemoveMany));
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = new List<string>();
        foreach (string id in ids)
        {
            wanted.Add(id ?? throw new ArgumentException($"Id {wanted.Count} is null.", nameof(ids)));
        }

        cancellationToken.ThrowIfCancellationRequested();
        string[] present;
        CommitTicket ticket;
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            present = wanted.Distinct(StringComparer.Ordinal).Where(id => rows.TryGetSlot(id, out _)).ToArray();
            ticket = CommitRemoval(present, cancellationToken);
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        return Removed(present, ticket);
    }

    private int RemoveWhereCore(Filter filter, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly(nameof(RemoveWhere));
        ArgumentNullException.ThrowIfNull(filter);
        var matching = new List<string>();
        CommitTicket ticket;
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            for (int slot = 0; slot < rows.SlotCount; slot++)
            {
                if ((slot & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                // A document's metadata lives on each chunk; its first chunk stands for it.
                if (rows.IdAt(slot) is string id && rows.ChunkIndexAt(slot) == 0 && filter.Matches(rows.MetadataAt(slot)))
                {
                    matching.Add(id);
                }
            }

            ticket = CommitRemoval(matching.ToArray(), cancellationToken);
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        return Removed(matching, ticket);
    }

    /// <summary>One RemoveMany record for ids that exist (nothing is written for none). Call under the write lock.</summary>
    private CommitTicket CommitRemoval(string[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return CommitTicket.Durable;
        }

        cancellationToken.ThrowIfCancellationRequested();
        SlotStore store = Store;
        return _log.Append(store, WalRecord.EncodeRemoveMany(ids), () =>
        {
            foreach (string id in ids)
            {
                store.ApplyRemove(id);
            }
        });
    }

    /// <summary>Waits (outside the write lock) for the removal's record to be durable, then counts it.</summary>
    private int Removed(IReadOnlyCollection<string> ids, CommitTicket ticket)
    {
        _log.WaitDurable(ticket);
        if (ids.Count > 0)
        {
            LodeDbTelemetry.RowsRemoved.Add(ids.Count, _telemetry.PathTag);
        }

        return ids.Count;
    }
}
