namespace LodeDb.Lexical;

/// <summary>The BM25 index keyed by slot: built for a loaded base, re-keyed after a compaction.</summary>
internal static class LexicalSlots
{
    /// <summary>The in-memory BM25 index of a loaded base: from persisted terms, else from stored text; null without a lexical source.</summary>
    public static Bm25Index? Build(StoreIdentity identity, SlotTable rows, IReadOnlyList<string>?[] tokens)
    {
        if (!identity.HasLexical)
        {
            return null;
        }

        var index = new Bm25Index();
        for (int slot = 0; slot < rows.SlotCount; slot++)
        {
            if (rows.IdAt(slot) is null)
            {
                continue;
            }

            IReadOnlyList<string>? slotTokens = tokens[slot] is IReadOnlyList<string> persisted ? persisted : rows.TextAt(slot) is string text ? LexicalTokenizer.Tokenize(text) : null;
            if (slotTokens is { Count: > 0 })
            {
                index.Add((ulong)slot, slotTokens);
            }
        }

        return index;
    }

    /// <summary>Re-keys the lexical index after a native compaction (old slot -> new slot or ulong.MaxValue).</summary>
    public static Bm25Index? Remap(Bm25Index? old, ReadOnlySpan<ulong> map)
    {
        if (old is null)
        {
            return null;
        }

        var index = new Bm25Index();
        for (int slot = 0; slot < map.Length; slot++)
        {
            if (map[slot] == ulong.MaxValue)
            {
                continue;
            }

            IReadOnlyList<KeyValuePair<string, int>> terms = old.GetTerms((ulong)slot);
            if (terms.Count > 0)
            {
                index.Add(map[slot], ExpandTerms(terms));
            }
        }

        return index;
    }

    private static string[] ExpandTerms(IReadOnlyList<KeyValuePair<string, int>> terms)
    {
        var tokens = new List<string>();
        foreach ((string term, int frequency) in terms)
        {
            for (int i = 0; i < frequency; i++)
            {
                tokens.Add(term);
            }
        }

        return tokens.ToArray();
    }
}
