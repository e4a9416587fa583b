using System.Globalization;
using System.Text;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// Splits a text into the stretches BertTokenizer handles as Hugging Face's BasicTokenizer does and
/// the words it would get wrong. Microsoft.ML.Tokenizers 2.0.1 keeps only letters, non-spacing
/// marks, decimal digits and connector punctuation in a word, splits off the other punctuation and
/// drops everything else as a separator; it also judges UTF-16 code units. So it drops characters
/// above U+FFFF, symbols ($ + &lt; © € ° ™ ±), spacing and enclosing marks (Devanagari vowel signs),
/// letter-like and other numbers (Ⅻ ² ½), keeps "_" inside a word, and misses U+3400 as an
/// ideograph. BasicTokenizer, which the vocabularies were built with, bounds words only by
/// whitespace, punctuation (P* and every ASCII symbol) and CJK ideographs, keeping all else in the
/// word; WordPiece then spells the word from the vocabulary or gives one [UNK].
/// </summary>
internal static class ReferenceWords
{
    /// <summary>
    /// A stretch of the text, <c>text.Substring(Start, Length)</c>: a plain stretch that
    /// BertTokenizer's pre-tokenization gets right, or one word (<paramref name="IsWord"/>) to give
    /// to WordPiece whole.
    /// </summary>
    public readonly record struct Segment(int Start, int Length, bool IsWord);

    /// <summary>Whether <paramref name="text"/> has a character BertTokenizer mishandles (texts without one keep the plain path, unchanged).</summary>
    public static bool AnyMishandled(string text)
    {
        foreach (char c in text)
        {
            if (char.IsSurrogate(c) || IsOwnWord(new Rune(c)) || IsMishandledInWord(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The segments of <paramref name="text"/>, in order and covering it: words (runs between
    /// whitespace, punctuation and CJK ideographs, as BasicTokenizer splits) holding a character
    /// BertTokenizer would drop, and the punctuation and ideographs it would drop or not split off,
    /// become their own segments; everything else stays in plain stretches. Expects a text with no
    /// lone surrogate.
    /// </summary>
    public static List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        int plainStart = 0;
        int wordStart = 0;
        bool wordIsMishandled = false;

        void EndWord(int end)
        {
            if (!wordIsMishandled)
            {
                return;
            }

            AddWord(wordStart, end);
            wordIsMishandled = false;
        }

        void AddWord(int start, int end)
        {
            if (start > plainStart)
            {
                segments.Add(new Segment(plainStart, start - plainStart, IsWord: false));
            }

            segments.Add(new Segment(start, end - start, IsWord: true));
            plainStart = end;
        }

        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length);
            if (!IsWordBoundary(rune))
            {
                wordIsMishandled |= !rune.IsBmp || IsMishandledInWord((char)rune.Value);
                i += length;
                continue;
            }

            EndWord(i);
            if (IsOwnWord(rune))
            {
                AddWord(i, i + length);
            }

            i += length;
            wordStart = i;
        }

        EndWord(text.Length);
        if (text.Length > plainStart)
        {
            segments.Add(new Segment(plainStart, text.Length - plainStart, IsWord: false));
        }

        return segments;
    }

    /// <summary>
    /// The words of a normalised word segment: split at whitespace (the normaliser pads ideographs
    /// with spaces) and at punctuation, each punctuation mark a word of its own. BasicTokenizer splits
    /// punctuation after lower-casing and accent stripping, so "≠" (= and a stripped U+0338) is "=".
    /// </summary>
    public static List<string> SplitNormalized(string normalized)
    {
        var words = new List<string>();
        int start = 0;
        int i = 0;
        while (i < normalized.Length)
        {
            Rune.DecodeFromUtf16(normalized.AsSpan(i), out Rune rune, out int length);
            if (Rune.IsWhiteSpace(rune) || IsPunctuation(rune))
            {
                if (i > start)
                {
                    words.Add(normalized[start..i]);
                }

                if (!Rune.IsWhiteSpace(rune))
                {
                    words.Add(normalized.Substring(i, length));
                }

                start = i + length;
            }

            i += length;
        }

        if (normalized.Length > start)
        {
            words.Add(normalized[start..]);
        }

        return words;
    }

    private static bool IsWordBoundary(Rune rune) => Rune.IsWhiteSpace(rune) || IsPunctuation(rune) || IsCjkIdeograph(rune);

    /// <summary>
    /// A word boundary that BertTokenizer drops or keeps inside a word, where BasicTokenizer makes it
    /// a word of its own: punctuation and ideographs above U+FFFF, the ASCII symbols ($ + &lt; = &gt;
    /// ^ ` | ~), connector punctuation ("_"), extension A ideographs (it misses U+3400) and the
    /// compatibility ideographs whose decomposition lies above U+FFFF.
    /// </summary>
    private static bool IsOwnWord(Rune rune)
    {
        if (!rune.IsBmp)
        {
            return IsPunctuation(rune) || IsCjkIdeograph(rune);
        }

        return rune.Value switch
        {
            >= 0x3400 and <= 0x4DBF => true,
            >= 0xF900 and <= 0xFAFF => char.IsSurrogate(rune.ToString().Normalize(NormalizationForm.FormD)[0]),
            < 0x80 => IsPunctuation(rune) && Rune.GetUnicodeCategory(rune) is UnicodeCategory.CurrencySymbol
                or UnicodeCategory.MathSymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.ConnectorPunctuation,
            _ => Rune.GetUnicodeCategory(rune) == UnicodeCategory.ConnectorPunctuation,
        };
    }

    /// <summary>
    /// A character that BasicTokenizer keeps in its word and BertTokenizer drops as a separator
    /// (ASCII symbols are punctuation to both; U+FFFD is dropped by both clean-text steps).
    /// </summary>
    private static bool IsMishandledInWord(char c) => c >= 0x80 && c != '\uFFFD' && char.GetUnicodeCategory(c) is UnicodeCategory.SpacingCombiningMark
        or UnicodeCategory.EnclosingMark or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.CurrencySymbol
        or UnicodeCategory.MathSymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol;

    /// <summary>BasicTokenizer's _is_punctuation: the ASCII symbols as well as the Unicode P* categories.</summary>
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126) || Rune.IsPunctuation(rune);

    /// <summary>BasicTokenizer's _is_chinese_char: the CJK Unified and Compatibility Ideographs blocks, BMP and extension planes.</summary>
    private static bool IsCjkIdeograph(Rune rune) =>
        rune.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
