using LodeDb.Lexical;
using LodeDb.Native;

namespace LodeDb;

/// <summary>
/// The one owner of every slot-aligned structure: the native codes (<see cref="NativeIndex"/>),
/// the managed rows (<see cref="SlotTable"/>: ids, metadata, text), the BM25 postings and the
/// re-score sidecar rows. Slot s means the same chunk in all four; they are loaded, changed,
/// compacted and saved together, so no caller can remap one and forget another.
/// Not thread-safe: the database's lock guards it (searches read it concurrently).
/// </summary>
internal sealed class SlotStore : IDisposable
{
    private NativeIndex? _index;

    private SlotStore(StoreIdentity identity, NativeIndex index, SlotTable rows, Bm25Index? lexical, RescoreStore? rescore, Graph.GraphTable? graph = null)
    {
        Graph = graph;
        Identity = identity;
        _index = index;
        Rows = rows;
        Lexical = lexical;
        Rescore = rescore;
    }

    /// <summary>What the slots hold: dimension, bits, seed, model, text and sidecar settings.</summary>
    public StoreIdentity Identity { get; }

    public int Dimension => Identity.Dim;

    public NativeIndex Index => _index ?? throw new ObjectDisposedException(nameof(LodeDatabase));

    public SlotTable Rows { get; }

    /// <summary>The BM25 postings by slot; null without a lexical source.</summary>
    public Bm25Index? Lexical { get; private set; }

    /// <summary>The re-score sidecar by slot; null when the identity keeps none.</summary>
    public RescoreStore? Rescore { get; private set; }

    /// <summary>The graph structure of a graph store (<see cref="LodeDb.Graph.LodeGraph"/>); null in every other folder. Its semantic entries are rows of this store.</summary>
    public Graph.GraphTable? Graph { get; }

    /// <summary>A new empty store of <paramref name="identity"/> (with an empty graph for a graph store).</summary>
    public static SlotStore CreateEmpty(StoreIdentity identity, bool graph = false)
    {
        NativeIndex index = NativeIndex.Create(identity.Dim, identity.BitWidth, identity.Seed);
        RescoreStore? rescore = identity.Rescore == RescoreStorage.None ? null : RescoreStore.CreateEmpty(identity.Rescore, identity.Dim);
        return new SlotStore(identity, index, new SlotTable(), identity.HasLexical ? new Bm25Index() : null, rescore, graph ? new Graph.GraphTable() : null);
    }

    /// <summary>
    /// Loads the base generation <paramref name="root"/> names: the snapshot, the rows file and
    /// the sidecar, each checked against the identity and the others; damage is
    /// <see cref="CorruptDatabaseException"/> naming the file.
    /// </summary>
    public static SlotStore Load(string folder, CommitRoot root)
    {
        StoreIdentity identity = root.Identity;
        string codesPath = Path.Combine(folder, root.CodesFile);
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
            throw CommitRootFile.MissingFile(root.CodesFile, ex);
        }

        try
        {
            if (index.Dimension != identity.Dim || index.Bits != identity.BitWidth || index.Seed != identity.Seed)
            {
                throw new CorruptDatabaseException(root.CodesFile,
                    $"it holds a {index.Dimension}-d {index.Bits}-bit index with seed {index.Seed}, the root pointer records {identity.Dim}-d {identity.BitWidth}-bit seed {identity.Seed}");
            }

            SlotTable rows;
            IReadOnlyList<string>?[] tokens;
            try
            {
                rows = RowsFile.Read(Path.Combine(folder, root.RowsFile), root.BaseGeneration, out tokens);
            }
            catch (FileNotFoundException ex)
            {
                throw CommitRootFile.MissingFile(root.RowsFile, ex);
            }

            if ((ulong)rows.SlotCount != index.SlotCount || (ulong)rows.LiveSlotCount != index.LiveCount)
            {
                throw new CorruptDatabaseException(root.RowsFile,
                    $"it maps {rows.SlotCount} slots ({rows.LiveSlotCount} live), the index file holds {index.SlotCount} ({index.LiveCount} live)");
            }

            Bm25Index? lexical = LexicalSlots.Build(identity, rows, tokens);
            Graph.GraphTable? graph = root.GraphFile.Length == 0 ? null : LoadGraph(folder, root);
            return new SlotStore(identity, index, rows, lexical, LoadRescore(folder, root, rows.SlotCount), graph);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>The base's graph structure named by the root (a graph store).</summary>
    private static Graph.GraphTable LoadGraph(string folder, CommitRoot root)
    {
        try
        {
            return LodeDb.Graph.GraphFile.Read(Path.Combine(folder, root.GraphFile), root.BaseGeneration);
        }
        catch (FileNotFoundException ex)
        {
            throw CommitRootFile.MissingFile(root.GraphFile, ex);
        }
    }

    /// <summary>The base's sidecar named by the root (none when the identity records none).</summary>
    private static RescoreStore? LoadRescore(string folder, CommitRoot root, int slots)
    {
        RescoreStorage kind = root.Identity.Rescore;
        if (kind == RescoreStorage.None)
        {
            return null;
        }

        string path = Path.Combine(folder, root.RescoreFile);
        if (!File.Exists(path))
        {
            throw CommitRootFile.MissingFile(root.RescoreFile, null);
        }

        return RescoreStore.Open(path, root.RescoreFile, kind, root.Identity.Dim, root.BaseGeneration, slots);
    }

    /// <summary>
    /// Encodes documents for one commit: codes and scales from the native encoder, and the
    /// sidecar rows of the same normalised floats. Chunk c of the flat arrays belongs to the
    /// document whose <paramref name="chunkStarts"/> range holds it.
    /// </summary>
    public UpsertBatch Encode(float[] normalized, string[] ids, IReadOnlyDictionary<string, object?>[] metadata, int[] chunkStarts, string?[] texts, IReadOnlyList<string>?[] tokens, byte[]? contentHashes)
    {
        int chunks = texts.Length;
        int bytesPerRow = Index.CodeBytesPerRow;
        var codes = new byte[checked(chunks * bytesPerRow)];
        var scales = new float[chunks];
        Index.Encode(normalized, codes, scales);
        var batch = new UpsertBatch(ids, metadata, codes, scales, bytesPerRow, chunkStarts, texts, tokens, Identity.PersistsTerms);
        if (RescoreRows.Encode(Rescore, normalized, chunks, Dimension) is byte[] rescoreRows)
        {
            batch.AttachRescore(rescoreRows, Rescore!.Kind);
        }

        if (contentHashes is not null)
        {
            batch.AttachContentHashes(contentHashes);
        }

        return batch;
    }

    /// <summary>
    /// Applies documents: a document's existing slots are reused in order for its new chunks
    /// (replaced in place), extra old slots are removed and extra new chunks appended, so its
    /// chunks stay its slots in ascending order. Every slot-aligned structure follows.
    /// </summary>
    public void ApplyUpsert(UpsertBatch batch)
    {
        CheckUpsert(batch);
        int bytesPerRow = batch.CodeBytesPerRow;
        RescoreStore? rescore = Rescore;

        var fresh = new List<(int Document, int Chunk)>();
        for (int d = 0; d < batch.Count; d++)
        {
            string id = batch.Ids[d];
            int first = batch.ChunkStarts[d];
            int count = batch.ChunkStarts[d + 1] - first;
            int[] old = Rows.SlotsOf(id);
            int reused = Math.Min(old.Length, count);
            for (int c = 0; c < reused; c++)
            {
                int chunk = first + c;
                Index.ReplaceRow((ulong)old[c], batch.Codes.AsSpan(chunk * bytesPerRow, bytesPerRow), batch.Scales[chunk]);
                rescore?.Set(old[c], RescoreRows.Row(rescore, batch, chunk));
                Rows.Set(old[c], id, batch.Metadata[d], StoredText(batch, chunk));
                Lexical?.Replace((ulong)old[c], ChunkTokens(batch, chunk));
            }

            for (int c = reused; c < old.Length; c++)
            {
                RemoveSlot(old[c]);
            }

            for (int c = reused; c < count; c++)
            {
                fresh.Add((d, first + c));
            }
        }

        if (fresh.Count > 0)
        {
            AppendFresh(batch, fresh, rescore);
        }

        // Last: every document of the batch has its slots now. A batch without hashes clears
        // the hash a replaced document had (its content changed and is no longer described).
        for (int d = 0; d < batch.Count; d++)
        {
            Rows.SetContentHash(batch.Ids[d], batch.ContentHashOf(d));
        }
    }

    /// <summary>
    /// Throws <see cref="FormatException"/> when a batch does not fit this index (code bytes per
    /// row, re-score rows, a scale the native index refuses): checked before
    /// <see cref="ApplyUpsert"/> changes anything, so a refused batch applies none of its rows.
    /// </summary>
    public void CheckUpsert(UpsertBatch batch)
    {
        if (batch.CodeBytesPerRow != Index.CodeBytesPerRow)
        {
            throw new FormatException($"rows of {batch.CodeBytesPerRow} code bytes for an index of {Index.CodeBytesPerRow}");
        }

        RescoreRows.Check(Rescore, batch);
        for (int c = 0; c < batch.Scales.Length; c++)
        {
            if (!float.IsFinite(batch.Scales[c]))
            {
                throw new FormatException($"chunk {c} has the scale {batch.Scales[c]}");
            }
        }
    }

    /// <summary>Appends the chunks that reuse no slot, in one native import.</summary>
    private void AppendFresh(UpsertBatch batch, List<(int Document, int Chunk)> fresh, RescoreStore? rescore)
    {
        int bytesPerRow = batch.CodeBytesPerRow;
        var codes = new byte[fresh.Count * bytesPerRow];
        var scales = new float[fresh.Count];
        for (int j = 0; j < fresh.Count; j++)
        {
            batch.Codes.AsSpan(fresh[j].Chunk * bytesPerRow, bytesPerRow).CopyTo(codes.AsSpan(j * bytesPerRow));
            scales[j] = batch.Scales[fresh[j].Chunk];
        }

        ulong firstSlot = Index.ImportRows(codes, scales);
        if (firstSlot != (ulong)Rows.SlotCount)
        {
            throw new InvalidOperationException($"Native index appended at slot {firstSlot}, the slot table expected {Rows.SlotCount}.");
        }

        foreach ((int d, int chunk) in fresh)
        {
            int slot = Rows.SlotCount;
            Rows.AppendLive(batch.Ids[d], batch.Metadata[d], StoredText(batch, chunk));
            rescore?.Append(RescoreRows.Row(rescore, batch, chunk));
            Lexical?.Add((ulong)slot, ChunkTokens(batch, chunk));
        }
    }

    /// <summary>Removes every slot of a document.</summary>
    public void ApplyRemove(string id)
    {
        foreach (int slot in Rows.SlotsOf(id))
        {
            RemoveSlot(slot);
        }
    }

    private void RemoveSlot(int slot)
    {
        Index.Remove((ulong)slot);
        Rows.Kill(slot);
        Lexical?.Remove((ulong)slot);
    }

    private string? StoredText(UpsertBatch batch, int chunk) => Identity.StoreText ? batch.Texts[chunk] : null;

    /// <summary>A chunk's lexical tokens: carried by the batch, else derived from its text.</summary>
    private static IReadOnlyList<string> ChunkTokens(UpsertBatch batch, int chunk) =>
        batch.Tokens[chunk] is IReadOnlyList<string> tokens ? tokens : batch.Texts[chunk] is string text ? LexicalTokenizer.Tokenize(text) : [];

    /// <summary>
    /// Drops dead slots once they are a quarter of all slots: the native index compacts and
    /// returns its old -> new map, and the rows, postings and sidecar follow the same map.
    /// </summary>
    public void CompactIfWorthIt()
    {
        int dead = Rows.SlotCount - Rows.LiveSlotCount;
        if (dead > 0 && dead * 4 >= Rows.SlotCount)
        {
            ulong[] map = Index.Compact();
            Rows.Compact(map);
            Lexical = LexicalSlots.Remap(Lexical, map);
            Rescore?.Compact(map);
        }
    }

    /// <summary>
    /// Writes generation <paramref name="generation"/>'s snapshot, rows file, graph file and sidecar, and maps
    /// the new sidecar in place of the in-memory rows.
    /// </summary>
    public void Save(string folder, long generation, bool sync)
    {
        Index.Save(Path.Combine(folder, GenerationFiles.Codes(generation)), sync);
        Bm25Index? lexical = Lexical;
        RowsFile.Write(Path.Combine(folder, GenerationFiles.Rows(generation)), generation, Rows, sync,
            Identity.PersistsTerms && lexical is not null ? slot => lexical.GetTerms((ulong)slot) : null);
        if (Graph is not null)
        {
            LodeDb.Graph.GraphFile.Write(Path.Combine(folder, GenerationFiles.Graph(generation)), generation, Graph, sync);
        }

        if (Rescore is RescoreStore store)
        {
            string name = GenerationFiles.Rescore(generation);
            string path = Path.Combine(folder, name);
            store.Write(path, generation, sync);
            RescoreStore mapped = RescoreStore.Open(path, name, store.Kind, store.Dimension, generation, store.SlotCount);
            store.Dispose();
            Rescore = mapped;
        }
    }

    public void Dispose()
    {
        _index?.Dispose();
        _index = null;
        Rescore?.Dispose();
        Rescore = null;
    }
}
