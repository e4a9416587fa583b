namespace LodeDb;

/// <summary>A metadata filter as the slot bitmask the native scan and BM25 take (bit s = slot s may be returned).</summary>
internal static class SlotMask
{
    /// <summary>
    /// The slot mask of <paramref name="filter"/> and <paramref name="idAllowed"/> (both null: every
    /// live slot), with the allowed slots (chunks) and documents. A graph passes
    /// <paramref name="idAllowed"/> so node searches see only node entries and edge searches only edge entries.
    /// </summary>
    public static ulong[]? Build(SlotTable rows, Filter? filter, out int allowedSlots, out int allowedDocuments, Func<string, bool>? idAllowed = null)
    {
        if (filter is null && idAllowed is null)
        {
            allowedSlots = rows.LiveSlotCount;
            allowedDocuments = rows.LiveCount;
            return null;
        }

        var mask = new ulong[(rows.SlotCount + 63) / 64];
        allowedSlots = 0;
        allowedDocuments = 0;
        for (int slot = 0; slot < rows.SlotCount; slot++)
        {
            if (rows.IdAt(slot) is string id && (idAllowed is null || idAllowed(id)) && (filter is null || filter.Matches(rows.MetadataAt(slot))))
            {
                mask[slot >> 6] |= 1UL << (slot & 63);
                allowedSlots++;
                if (rows.ChunkIndexAt(slot) == 0)
                {
                    allowedDocuments++;
                }
            }
        }

        return mask;
    }
}
