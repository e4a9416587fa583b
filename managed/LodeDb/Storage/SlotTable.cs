namespace LodeDb;

/// <summary>
/// The managed mirror of the native slots. A document (a text split into chunks, or one vector
/// row) owns one or more slots; its chunks are its slots in ascending slot order. Per slot:
/// the document id (null for a dead slot: removed row, native tombstone), the document's
/// metadata and the chunk's stored text (null when not stored). Slot numbers always equal the
/// native index's.
/// </summary>
internal sealed class SlotTable
{
    // Per slot, the number of its document (any uint, equal for the chunks of one document): the
    // map the native document-aware scan keeps one slot per document by. Renumbered at Compact.
    private readonly List<uint> _documentOf = [];
    private readonly Dictionary<string, uint> _documentNumbers = new(StringComparer.Ordinal);
    private uint _nextDocumentNumber;
    private readonly List<string?> _ids = [];
    private readonly List<IReadOnlyDictionary<string, object?>> _metadata = [];
    private readonly List<string?> _texts = [];
    private readonly List<int> _chunkIndex = [];
    private readonly Dictionary<string, List<int>> _documents = new(StringComparer.Ordinal);

    // Per live document with a content hash: the 32-byte SHA-256 (LodeContentHash). Keyed by id,
    // so compaction (which renumbers slots, not ids) keeps it.
    private readonly Dictionary<string, byte[]> _contentHashes = new(StringComparer.Ordinal);
    private int _liveSlots;

    public int SlotCount => _ids.Count;

    /// <summary>Live documents.</summary>
    public int LiveCount => _documents.Count;

    /// <summary>Live slots (chunks), at least <see cref="LiveCount"/>.</summary>
    public int LiveSlotCount => _liveSlots;

    public string? IdAt(int slot) => _ids[slot];

    /// <summary>Slot -> document number, <see cref="SlotCount"/> entries (dead slots: any value; the native tombstone hides them).</summary>
    public ReadOnlySpan<uint> DocumentMap => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_documentOf);

    public IReadOnlyDictionary<string, object?> MetadataAt(int slot) => _metadata[slot];

    public string? TextAt(int slot) => _texts[slot];

    /// <summary>Position of a live slot among its document's chunks (0 for the first).</summary>
    public int ChunkIndexAt(int slot) => _chunkIndex[slot];

    /// <summary>The first slot of a document.</summary>
    public bool TryGetSlot(string id, out int slot)
    {
        if (_documents.TryGetValue(id, out List<int>? slots))
        {
            slot = slots[0];
            return true;
        }

        slot = -1;
        return false;
    }

    /// <summary>The content hash of a live document, or null when it has none.</summary>
    public byte[]? ContentHashOf(string id) => _contentHashes.GetValueOrDefault(id);

    /// <summary>Sets (or, with null, clears) the content hash of a live document.</summary>
    public void SetContentHash(string id, byte[]? hash)
    {
        if (!_documents.ContainsKey(id))
        {
            throw new InvalidOperationException($"No live document '{id}' to attach a content hash to.");
        }

        if (hash is null)
        {
            _contentHashes.Remove(id);
        }
        else
        {
            _contentHashes[id] = hash;
        }
    }

    /// <summary>A copy of the document's slots in chunk order; empty when absent.</summary>
    public int[] SlotsOf(string id) => _documents.TryGetValue(id, out List<int>? slots) ? slots.ToArray() : [];

    public void AppendDead()
    {
        _ids.Add(null);
        _metadata.Add(MetadataCodec.Empty);
        _texts.Add(null);
        _chunkIndex.Add(-1);
        _documentOf.Add(uint.MaxValue);
    }

    /// <summary>Appends a live slot as the next chunk of <paramref name="id"/> (a new document when absent).</summary>
    public void AppendLive(string id, IReadOnlyDictionary<string, object?> metadata, string? text)
    {
        if (!_documents.TryGetValue(id, out List<int>? slots))
        {
            slots = new List<int>(1);
            _documents.Add(id, slots);
            _documentNumbers[id] = checked(_nextDocumentNumber++);
        }

        _documentOf.Add(_documentNumbers[id]);
        slots.Add(_ids.Count);
        _ids.Add(id);
        _metadata.Add(metadata);
        _texts.Add(text);
        _chunkIndex.Add(slots.Count - 1);
        _liveSlots++;
    }

    /// <summary>Rewrites a live slot of <paramref name="id"/> in place (a replaced chunk).</summary>
    public void Set(int slot, string id, IReadOnlyDictionary<string, object?> metadata, string? text)
    {
        if (_ids[slot] != id)
        {
            throw new InvalidOperationException($"Slot {slot} does not belong to '{id}'.");
        }

        _metadata[slot] = metadata;
        _texts[slot] = text;
    }

    public void Kill(int slot)
    {
        string? id = _ids[slot];
        if (id is null)
        {
            return;
        }

        List<int> slots = _documents[id];
        slots.Remove(slot);
        if (slots.Count == 0)
        {
            _documents.Remove(id);
            _documentNumbers.Remove(id);
            _contentHashes.Remove(id);
        }
        else
        {
            for (int i = 0; i < slots.Count; i++)
            {
                _chunkIndex[slots[i]] = i;
            }
        }

        _ids[slot] = null;
        _metadata[slot] = MetadataCodec.Empty;
        _texts[slot] = null;
        _chunkIndex[slot] = -1;
        _liveSlots--;
    }

    /// <summary>Applies a native compaction map (old slot -> new slot or ulong.MaxValue).</summary>
    public void Compact(ReadOnlySpan<ulong> oldToNew)
    {
        var ids = new List<string?>(_liveSlots);
        var metadata = new List<IReadOnlyDictionary<string, object?>>(_liveSlots);
        var texts = new List<string?>(_liveSlots);
        for (int old = 0; old < oldToNew.Length; old++)
        {
            if (oldToNew[old] == ulong.MaxValue)
            {
                continue;
            }

            if ((int)oldToNew[old] != ids.Count || _ids[old] is null)
            {
                throw new InvalidOperationException($"Native compaction map disagrees with the slot table at slot {old}.");
            }

            ids.Add(_ids[old]);
            metadata.Add(_metadata[old]);
            texts.Add(_texts[old]);
        }

        _ids.Clear();
        _metadata.Clear();
        _texts.Clear();
        _chunkIndex.Clear();
        _documents.Clear();
        _documentOf.Clear();
        _documentNumbers.Clear();
        _nextDocumentNumber = 0;
        _liveSlots = 0;
        for (int slot = 0; slot < ids.Count; slot++)
        {
            AppendLive(ids[slot]!, metadata[slot], texts[slot]);
        }
    }
}
