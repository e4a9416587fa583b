using System.Collections;

namespace LodeDb.Lexical;

/// <summary>
/// A chunk's lexical tokens as read from a file: each distinct term once with its frequency,
/// seen as the token list it stands for (each term repeated by its frequency, in term order).
/// Decoding keeps this compact form, so a record's bytes bound the memory it costs (a frequency
/// of millions is one int, not millions of references), and <see cref="Bm25Index"/> and the WAL
/// writer read the frequencies directly.
/// </summary>
internal sealed class TermList : IReadOnlyList<string>
{
    private readonly KeyValuePair<string, int>[] _terms;
    private readonly long[] _ends; // _ends[i]: tokens up to and including term i

    public TermList(KeyValuePair<string, int>[] terms)
    {
        _terms = terms;
        _ends = new long[terms.Length];
        long total = 0;
        for (int i = 0; i < terms.Length; i++)
        {
            total += terms[i].Value;
            _ends[i] = total;
        }

        Count = checked((int)total);
    }

    /// <summary>The distinct terms and their frequencies, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Terms => _terms;

    public int Count { get; }

    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            int at = Array.BinarySearch(_ends, index);
            return _terms[at >= 0 ? at + 1 : ~at].Key;
        }
    }

    public IEnumerator<string> GetEnumerator()
    {
        foreach ((string term, int frequency) in _terms)
        {
            for (int i = 0; i < frequency; i++)
            {
                yield return term;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
