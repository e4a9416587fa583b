namespace LodeDb;

/// <summary>Keyset-paged listing: stable pages while rows are added and removed between calls.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>Largest <see cref="ListOptions.Limit"/>.</summary>
    public const int MaxListLimit = 10_000;

    /// <summary>
    /// A page of documents in ordinal id order: those in the allow-list (when given) matching the
    /// filter (when given) with an id after the cursor. Unlike skip/take, a keyset cursor neither
    /// skips nor repeats a document when others are added or removed between pages.
    /// </summary>
    public ListPage List(ListOptions options) => ListCore(options, CancellationToken.None);

    /// <summary>As <see cref="List(ListOptions)"/>, with cancellation checked during the scan.</summary>
    public Task<ListPage> ListAsync(ListOptions options, CancellationToken cancellationToken = default) =>
        Task.FromResult(ListCore(options, cancellationToken));

    private ListPage ListCore(ListOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Limit < 1 || options.Limit > MaxListLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Limit, $"Limit must be between 1 and {MaxListLimit}.");
        }

        HashSet<string>? allowed = options.Ids is null ? null : new HashSet<string>(options.Ids, StringComparer.Ordinal);
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            SlotTable rows = Store.Rows;
            // The Limit + 1 smallest ids (a max-heap of them): one more than a page tells whether another page follows.
            var smallest = new PriorityQueue<string, string>(Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a)));
            for (int slot = 0; slot < rows.SlotCount; slot++)
            {
                if ((slot & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (rows.IdAt(slot) is not string id || rows.ChunkIndexAt(slot) != 0
                    || (options.After is not null && string.CompareOrdinal(id, options.After) <= 0)
                    || (allowed is not null && !allowed.Contains(id))
                    || (options.Filter is not null && !options.Filter.Matches(rows.MetadataAt(slot))))
                {
                    continue;
                }

                if (smallest.Count <= options.Limit)
                {
                    smallest.Enqueue(id, id);
                }
                else if (string.CompareOrdinal(id, smallest.Peek()) < 0)
                {
                    smallest.EnqueueDequeue(id, id);
                }
            }

            var ids = new List<string>(smallest.Count);
            while (smallest.TryDequeue(out string? id, out _))
            {
                ids.Add(id);
            }

            ids.Reverse();
            bool more = ids.Count > options.Limit;
            if (more)
            {
                ids.RemoveAt(ids.Count - 1);
            }

            var records = ids.Select(id => Record(rows, id)).ToArray();
            return new ListPage(records, more ? ids[^1] : null);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>The record of a live document: its metadata and chunk count. Call under the read lock.</summary>
    private static LodeRecord Record(SlotTable rows, string id)
    {
        int[] slots = rows.SlotsOf(id);
        return new LodeRecord(id, rows.MetadataAt(slots[0]))
        {
            ChunkCount = slots.Length,
            ContentHash = rows.ContentHashOf(id) is byte[] hash ? Convert.ToHexStringLower(hash) : null,
        };
    }
}
