namespace LodeDb.Lexical;

/// <summary>
/// The lexical tokenizer of the contract: lowercase, tokens are runs of <c>[0-9a-z]</c> that may
/// contain inner <c>-</c>, <c>.</c> and <c>/</c>, so identifiers such as <c>E1234</c>,
/// <c>ABC-123</c> and <c>2024-01-15</c> stay whole.
/// </summary>
/// <remarks>
/// <para>The rules, exactly (they are a storage format once <c>IndexText</c> persists tokens, so
/// changing any of them needs a format version bump):</para>
/// <list type="number">
/// <item><description>Word characters are ASCII letters and digits, lowercased (ordinal, culture
/// independent), plus the letters of Latin-1 Supplement and Latin Extended-A
/// (U+00C0 to U+017F), folded to their ASCII base letters through a fixed table:
/// <c>é</c> to <c>e</c>, <c>Ł</c> to <c>l</c>, and the ligatures and special letters
/// <c>ß</c> to <c>ss</c>, <c>æ</c> to <c>ae</c>, <c>œ</c> to <c>oe</c>, <c>þ</c> to <c>th</c>,
/// <c>ĳ</c> to <c>ij</c>. A fixed table rather than Unicode normalization keeps the output
/// independent of the ICU version and of invariant-globalization mode.</description></item>
/// <item><description>Combining diacritical marks (U+0300 to U+036F) inside a token are
/// dropped, so decomposed text (<c>e</c> + U+0301) folds like precomposed <c>é</c>; they never
/// start a token.</description></item>
/// <item><description>Every other character is a separator: whitespace, punctuation, <c>_</c>,
/// apostrophes, <c>×</c>, <c>÷</c>, and all other scripts (Greek, Cyrillic, CJK, ...), which are
/// left to vector search. A non-Latin letter glued to a Latin run splits it
/// (<c>日本E1234</c> gives <c>e1234</c>).</description></item>
/// <item><description>A token starts and ends with a word character. A connector
/// (<c>-</c>, <c>.</c>, <c>/</c>) belongs to the token only when a word character follows it
/// directly and a word character precedes it, so connectors are never leading, trailing or
/// doubled: <c>end.</c> gives <c>end</c>, <c>a--b</c> gives <c>a</c> and <c>b</c>,
/// <c>-x-</c> gives <c>x</c>, <c>v1.2.3</c> and <c>a/b</c> stay whole.</description></item>
/// <item><description>Compound tokens are not also split into their parts: <c>abc-123</c> is
/// one term, and a query for <c>abc</c> does not match it (exact identifiers are the point of
/// the lexical ranker; vector search covers the looser reading).</description></item>
/// <item><description>A token whose folded form is longer than <see cref="MaxTokenLength"/>
/// characters is dropped (base64 blobs and the like are not search terms and would bloat the
/// index).</description></item>
/// </list>
/// <para>Thread-safe: the tokenizer is stateless.</para>
/// </remarks>
internal static class LexicalTokenizer
{
    /// <summary>Longest token kept, in characters after folding; longer ones are dropped.</summary>
    public const int MaxTokenLength = 256;

    private const char FirstFolded = '\u00C0';
    private const char LastFolded = '\u017F';

    // Folded form of U+00C0..U+017F; "" marks a separator (U+00D7 x, U+00F7 division).
    // Generated from the NFD base letter, with explicit entries for letters that have none.
    private static readonly string[] Fold =
    [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00C0
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", // U+00D0
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00E0
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", // U+00F0
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", // U+0100
        "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", // U+0110
        "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", // U+0120
        "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", // U+0130
        "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", // U+0140
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", // U+0150
        "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", // U+0160
        "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s", // U+0170
    ];

    /// <summary>The tokens of <paramref name="text"/>, in order, duplicates kept.</summary>
    public static List<string> Tokenize(ReadOnlySpan<char> text)
    {
        var tokens = new List<string>();
        Span<char> buffer = stackalloc char[MaxTokenLength];
        foreach (ReadOnlySpan<char> token in EnumerateTokens(text, buffer))
        {
            tokens.Add(token.ToString());
        }

        return tokens;
    }

    /// <summary>
    /// Enumerates the tokens of <paramref name="text"/> without allocating: each token is folded
    /// into <paramref name="buffer"/>, which must hold <see cref="MaxTokenLength"/> characters,
    /// and is valid until the next <c>MoveNext</c>.
    /// </summary>
    public static TokenEnumerator EnumerateTokens(ReadOnlySpan<char> text, Span<char> buffer)
    {
        if (buffer.Length < MaxTokenLength)
        {
            throw new ArgumentException($"The token buffer must hold at least {MaxTokenLength} characters.", nameof(buffer));
        }

        return new TokenEnumerator(text, buffer);
    }

    /// <summary>True when <paramref name="c"/> is (or folds to) a letter or digit of a token.</summary>
    public static bool IsWordChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || (c >= FirstFolded && c <= LastFolded && Fold[c - FirstFolded].Length != 0);

    /// <summary>True when <paramref name="c"/> can stand inside a token: a word character, a connector or a combining mark (a text cut between two of these may split a token).</summary>
    public static bool IsTokenChar(char c) => IsWordChar(c) || IsConnector(c) || c is >= '\u0300' and <= '\u036F';

    private static bool IsConnector(char c) => c is '-' or '.' or '/';

    /// <summary>Zero-allocation token enumerator; see <see cref="EnumerateTokens"/>.</summary>
    public ref struct TokenEnumerator
    {
        private readonly ReadOnlySpan<char> _text;
        private readonly Span<char> _buffer;
        private int _position;
        private int _length;

        internal TokenEnumerator(ReadOnlySpan<char> text, Span<char> buffer)
        {
            _text = text;
            _buffer = buffer;
        }

        /// <summary>The current token, folded; valid until the next <see cref="MoveNext"/>.</summary>
        public readonly ReadOnlySpan<char> Current => _buffer[.._length];

        /// <summary>Returns this enumerator, so it works in <c>foreach</c>.</summary>
        public readonly TokenEnumerator GetEnumerator() => this;

        /// <summary>Advances to the next token; false at the end of the text.</summary>
        public bool MoveNext()
        {
            ReadOnlySpan<char> text = _text;
            int i = _position;
            while (true)
            {
                while (i < text.Length && !IsWordChar(text[i]))
                {
                    i++;
                }

                if (i == text.Length)
                {
                    _position = i;
                    _length = 0;
                    return false;
                }

                // Counts past the buffer so an over-long token is measured, then dropped.
                int length = 0;
                while (i < text.Length)
                {
                    char c = text[i];
                    if (IsWordChar(c))
                    {
                        length = Append(c, length);
                        i++;
                    }
                    else if (c is >= '\u0300' and <= '\u036F')
                    {
                        // A combining mark after a letter is the decomposed spelling of an accent:
                        // dropping it folds "e\u0301" like "\u00E9" instead of splitting the word.
                        i++;
                    }
                    else if (IsConnector(c) && i + 1 < text.Length && IsWordChar(text[i + 1]))
                    {
                        // The last character appended is a word character here (the loop only
                        // reaches a connector after appending one), so connectors never double.
                        length = Put(c, length);
                        i++;
                    }
                    else
                    {
                        break;
                    }
                }

                if (length <= MaxTokenLength)
                {
                    _position = i;
                    _length = length;
                    return true;
                }
            }
        }

        private readonly int Append(char c, int length)
        {
            if (c < 0x80)
            {
                return Put(char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c, length);
            }

            foreach (char f in Fold[c - FirstFolded])
            {
                length = Put(f, length);
            }

            return length;
        }

        private readonly int Put(char c, int length)
        {
            if (length < _buffer.Length)
            {
                _buffer[length] = c;
            }

            return length + 1;
        }
    }
}
