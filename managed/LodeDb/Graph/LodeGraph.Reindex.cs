namespace LodeDb.Graph;

/// <summary>Rebuilding the semantic index from the stored graph.</summary>
public sealed partial class LodeGraph
{
    /// <summary>Entries per Reindex record: the rebuild is logged in records of at most this many entries, each all or nothing.</summary>
    internal const int ReindexBatch = 4096;

    /// <summary>
    /// Rebuilds the semantic index from the stored graph, durably: with an embedder and stored
    /// text, every node (label + text) and, with <see cref="GraphOptions.IndexEdges"/>, every edge
    /// (fact, else relation) is embedded again (a caller vector given to an item of an embedder
    /// graph is replaced by the embedding); without stored text, or in a vector-only graph, the
    /// existing entries of live items are kept and an embedder graph embeds only the items that have
    /// none (from the label, or the relation); entries of no live item (and edge entries when edges
    /// are not indexed) are dropped. Logged in records of at most 4,096 entries, each all or nothing:
    /// a crash midway leaves a consistent graph, and running Reindex again completes it.
    /// </summary>
    /// <remarks>Blocks until the embedder answers; prefer the Async form.</remarks>
    public GraphReindexResult Reindex(CancellationToken cancellationToken = default) =>
        SyncBridge.Run(() => ReindexAsync(cancellationToken));

    /// <summary>As <see cref="Reindex"/>, awaiting the embedder.</summary>
    public async Task<GraphReindexResult> ReindexAsync(CancellationToken cancellationToken = default)
    {
        _store.RequireWritable(nameof(Reindex));
        bool reembed = HasEmbedder && StoresText;
        // A snapshot of what to embed; the items are re-checked (same record object) under the write lock.
        var (items, kept) = _store.ReadStore(store =>
        {
            GraphTable graph = LodeDatabase.GraphOf(store);
            var pending = new List<(object Item, GraphWritePlan.Entry Entry)>();
            int keep = 0;
            void Consider(object item, string entryId, IReadOnlyDictionary<string, object?> metadata, string text)
            {
                bool exists = store.Rows.TryGetSlot(entryId, out _);
                if (reembed || (HasEmbedder && !exists))
                {
                    pending.Add((item, new GraphWritePlan.Entry(entryId, metadata, text, null, pending.Count)));
                }
                else if (exists)
                {
                    keep++;
                }
            }

            foreach (GraphNode node in graph.Nodes())
            {
                Consider(node, GraphLimits.NodeEntry(node.Id), node.Properties!, node.Text is null ? node.Label : node.Label + "\n" + node.Text);
            }

            if (Options.IndexEdges)
            {
                foreach (GraphEdge edge in graph.Edges())
                {
                    Consider(edge, GraphLimits.EdgeEntry(edge.Id!), edge.Properties!, edge.Fact ?? edge.Relation);
                }
            }

            return (pending, keep);
        });

        float[]? embedded = null;
        if (items.Count > 0)
        {
            var embedders = _store.Embedders;
            embedded = await TextIngest.EmbedAsync(embedders.RequireText(nameof(Reindex)), items.Select(i => i.Entry.Text).ToArray(), query: false, embedders.IngestText, _context.Identity, cancellationToken).ConfigureAwait(false);
        }

        int removed = _store.WriteStore(nameof(Reindex), (store, log) => DropOrphans(store, log));
        int written = 0;
        for (int start = 0; start < items.Count; start += ReindexBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = items.Skip(start).Take(ReindexBatch).ToArray();
            written += _store.WriteStore(nameof(Reindex), (store, log) =>
            {
                GraphTable graph = LodeDatabase.GraphOf(store);
                // Only items still as they were read: one replaced meanwhile got its own entry with its write.
                GraphWritePlan.Entry[] current = chunk.Where(i => i.Item switch
                {
                    GraphNode node => ReferenceEquals(graph.Node(node.Id), node),
                    GraphEdge edge => ReferenceEquals(graph.Edge(edge.Id!), edge),
                    _ => false,
                }).Select(i => i.Entry).ToArray();
                if (current.Length > 0)
                {
                    Commit(store, log, new GraphWriteRecord { Entries = GraphWritePlan.EncodeEntries(store, current, embedded) });
                }

                return current.Length;
            });
        }

        return new GraphReindexResult(written, kept, removed);
    }

    /// <summary>Removes every entry that belongs to no live node (or edge, when edges are indexed), in records of <see cref="ReindexBatch"/>.</summary>
    private int DropOrphans(SlotStore store, CommitLog log)
    {
        GraphTable graph = LodeDatabase.GraphOf(store);
        SlotTable rows = store.Rows;
        var orphans = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int slot = 0; slot < rows.SlotCount; slot++)
        {
            if (rows.IdAt(slot) is not string id || !seen.Add(id))
            {
                continue;
            }

            bool live = GraphLimits.IsNodeEntry(id) ? graph.ContainsNode(id[2..])
                : GraphLimits.IsEdgeEntry(id) && Options.IndexEdges && graph.ContainsEdge(id[2..]);
            if (!live)
            {
                orphans.Add(id);
            }
        }

        for (int start = 0; start < orphans.Count; start += ReindexBatch)
        {
            Commit(store, log, new GraphWriteRecord { EntryRemovals = orphans.Skip(start).Take(ReindexBatch).ToArray() });
        }

        return orphans.Count;
    }
}
