namespace LodeDb;

/// <summary>
/// The managed mirror of the native slots: slot -> (id, metadata) and id -> slot. A dead slot
/// (removed row, native tombstone) has a null id. Slot numbers always equal the native index's.
/// </summary>
internal sealed class SlotTable
{
    private readonly List<string?> _ids = [];
    private readonly List<IReadOnlyDictionary<string, object?>> _metadata = [];
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);

    public int SlotCount => _ids.Count;

    public int LiveCount => _slots.Count;

    public string? IdAt(int slot) => _ids[slot];

    public IReadOnlyDictionary<string, object?> MetadataAt(int slot) => _metadata[slot];

    public bool TryGetSlot(string id, out int slot) => _slots.TryGetValue(id, out slot);

    public void AppendDead()
    {
        _ids.Add(null);
        _metadata.Add(MetadataCodec.Empty);
    }

    public bool TryAppendLive(string id, IReadOnlyDictionary<string, object?> metadata)
    {
        if (!_slots.TryAdd(id, _ids.Count))
        {
            return false;
        }

        _ids.Add(id);
        _metadata.Add(metadata);
        return true;
    }

    /// <summary>Points a (live or dead) existing slot at id.</summary>
    public void Set(int slot, string id, IReadOnlyDictionary<string, object?> metadata)
    {
        string? previous = _ids[slot];
        if (previous is not null && previous != id)
        {
            _slots.Remove(previous);
        }

        _ids[slot] = id;
        _metadata[slot] = metadata;
        _slots[id] = slot;
    }

    public void Kill(int slot)
    {
        string? id = _ids[slot];
        if (id is not null)
        {
            _slots.Remove(id);
        }

        _ids[slot] = null;
        _metadata[slot] = MetadataCodec.Empty;
    }

    /// <summary>Applies a native compaction map (old slot -> new slot or ulong.MaxValue).</summary>
    public void Compact(ReadOnlySpan<ulong> oldToNew)
    {
        var ids = new List<string?>(_slots.Count);
        var metadata = new List<IReadOnlyDictionary<string, object?>>(_slots.Count);
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
        }

        _ids.Clear();
        _ids.AddRange(ids);
        _metadata.Clear();
        _metadata.AddRange(metadata);
        _slots.Clear();
        for (int slot = 0; slot < _ids.Count; slot++)
        {
            _slots[_ids[slot]!] = slot;
        }
    }
}
