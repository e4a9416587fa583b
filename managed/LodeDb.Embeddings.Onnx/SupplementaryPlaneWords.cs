using System.Text;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// Splits a text into the stretches BertTokenizer handles and the words it would lose.
/// Microsoft.ML.Tokenizers 2.0.1 judges characters by UTF-16 code unit, so its pre-tokenizer drops
/// both halves of a surrogate pair as if they were a separator: "a😀b" became "a", "b" and an
/// emoji-only text no token at all. Hugging Face's BasicTokenizer, which the vocabularies were built
/// with, keeps a character above U+FFFF in its word (whitespace and punctuation bound words), except
/// a CJK ideograph of the extension planes, which is a word of its own; WordPiece then spells the
/// word from the vocabulary or gives one [UNK].
/// </summary>
internal static class SupplementaryPlaneWords
{
    /// <summary>
    /// A stretch of the text, <c>text.Substring(Start, Length)</c>: a plain stretch (no character
    /// above U+FFFF) for BertTokenizer's usual pre-tokenization, or one word (<paramref name="IsWord"/>)
    /// to give to WordPiece whole.
    /// </summary>
    public readonly record struct Segment(int Start, int Length, bool IsWord);

    /// <summary>Whether <paramref name="text"/> has a surrogate (texts without one keep the plain path, unchanged).</summary>
    public static bool Any(string text) => text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    /// <summary>
    /// The segments of <paramref name="text"/>, in order and covering it: words (runs between
    /// whitespace, punctuation and CJK ideographs, as BasicTokenizer splits) holding a character
    /// above U+FFFF, supplementary punctuation and extension-plane ideographs become their own
    /// segments; everything else stays in plain stretches. Expects a text with no lone surrogate.
    /// </summary>
    public static List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        int plainStart = 0;
        int wordStart = 0;
        bool wordIsSupplementary = false;

        void EndWord(int end)
        {
            if (!wordIsSupplementary)
            {
                return;
            }

            AddPlain(wordStart);
            segments.Add(new Segment(wordStart, end - wordStart, IsWord: true));
            plainStart = end;
            wordIsSupplementary = false;
        }

        void AddPlain(int end)
        {
            if (end > plainStart)
            {
                segments.Add(new Segment(plainStart, end - plainStart, IsWord: false));
            }
        }

        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length);
            if (!IsWordBoundary(rune))
            {
                wordIsSupplementary |= !rune.IsBmp;
                i += length;
                continue;
            }

            EndWord(i);
            if (!rune.IsBmp)
            {
                // Supplementary punctuation or an extension-plane ideograph: a word of its own,
                // which BertTokenizer would drop like any surrogate pair.
                AddPlain(i);
                segments.Add(new Segment(i, length, IsWord: true));
                plainStart = i + length;
            }

            i += length;
            wordStart = i;
        }

        EndWord(text.Length);
        AddPlain(text.Length);
        return segments;
    }

    private static bool IsWordBoundary(Rune rune) => Rune.IsWhiteSpace(rune) || IsPunctuation(rune) || IsCjkIdeograph(rune);

    /// <summary>BasicTokenizer's _is_punctuation: the ASCII symbols as well as the Unicode P* categories.</summary>
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126) || Rune.IsPunctuation(rune);

    /// <summary>BasicTokenizer's _is_chinese_char: the CJK Unified and Compatibility Ideographs blocks, BMP and extension planes.</summary>
    private static bool IsCjkIdeograph(Rune rune) =>
        rune.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
