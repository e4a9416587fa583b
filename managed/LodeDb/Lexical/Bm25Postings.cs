namespace LodeDb.Lexical;

// The storage of Bm25Index: its chunk table entries and each term's posting list (append,
// compaction of dead postings, renumbering). Bm25Index's remarks describe the representation.

/// <summary>One chunk; <see cref="TermIds"/> is null for a removed (dead) ordinal.</summary>
internal readonly record struct Bm25Chunk(ulong Key, int Length, int[]? TermIds, int[]? Frequencies);

/// <summary>One (chunk ordinal, term frequency) pair of a term.</summary>
internal readonly record struct Bm25Posting(int Ordinal, int Frequency);

/// <summary>A term and its postings in ordinal order, dead ones included until compacted.</summary>
internal sealed class Bm25Term(string text)
{
    private Bm25Posting[] _postings = new Bm25Posting[1];

    public string Text { get; } = text;

    /// <summary>Postings held, dead ones included.</summary>
    public int Count { get; private set; }

    /// <summary>Live postings: the document frequency.</summary>
    public int Live { get; set; }

    public ReadOnlySpan<Bm25Posting> Postings => _postings.AsSpan(0, Count);

    public void Append(int ordinal, int frequency)
    {
        if (Count == _postings.Length)
        {
            Array.Resize(ref _postings, _postings.Length * 2);
        }

        _postings[Count++] = new Bm25Posting(ordinal, frequency);
        Live++;
    }

    /// <summary>Drops dead postings; returns how many.</summary>
    public int Compact(Bm25Chunk[] chunks)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (chunks[_postings[i].Ordinal].TermIds is not null)
            {
                _postings[kept++] = _postings[i];
            }
        }

        int dropped = Count - kept;
        Count = kept;
        Shrink();
        return dropped;
    }

    public void Remap(int[] remap)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            int ordinal = remap[_postings[i].Ordinal];
            if (ordinal >= 0)
            {
                _postings[kept++] = _postings[i] with { Ordinal = ordinal };
            }
        }

        Count = kept;
        Shrink();
    }

    private void Shrink()
    {
        if (_postings.Length > 4 && Count < _postings.Length / 4)
        {
            Array.Resize(ref _postings, Math.Max(Count * 2, 1));
        }
    }
}
