using LodeDb.Lexical;

namespace LodeDb;

/// <summary>
/// Splits a text into chunks of at most <c>maxChars</c> characters, not counting the whitespace
/// a chunk ends with. The chunks partition the text exactly (concatenated they give it back),
/// so a stored document is its chunks joined. Where a text is longer than the limit, a chunk
/// ends after the last sentence end (<c>.</c>, <c>!</c>, <c>?</c> or <c>…</c> followed by
/// whitespace) inside the limit when that keeps the chunk at least half full, else at the last
/// word boundary (whitespace) inside the limit, else (one word longer than the limit, or text
/// without spaces such as Chinese or Japanese) at the last position inside the limit that keeps
/// the chunk at least half full and splits no lexical token and no character from the marks
/// that follow it, else at the limit itself, never between the two halves of a surrogate pair.
/// (A token split across two chunks could never be found by lexical search: an identifier such
/// as <c>ABC-123</c> inside a long run of CJK text would be lost.) The whitespace after a cut
/// belongs to the chunk before it, so every chunk but the first starts with a non-space.
/// </summary>
internal static class TextChunker
{
    public static List<(int Start, int Length)> Split(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 2);
        var chunks = new List<(int, int)>();
        int n = text.Length;
        int pos = 0;
        while (pos < n)
        {
            int end;
            if (n - pos <= maxChars)
            {
                end = n;
            }
            else
            {
                int limit = pos + maxChars; // exclusive: the chunk is text[pos..cut), cut <= limit
                int cut = -1;
                for (int i = limit - 1; i > pos; i--)
                {
                    if (IsSentenceEnd(text[i]) && char.IsWhiteSpace(text[i + 1]))
                    {
                        cut = i + 1;
                        break;
                    }
                }

                if (cut - pos < maxChars / 2)
                {
                    cut = -1;
                    for (int i = limit; i > pos; i--)
                    {
                        if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]))
                        {
                            cut = i;
                            break;
                        }
                    }
                }

                if (cut < 0)
                {
                    for (int i = limit; i - pos >= maxChars / 2 && i > pos; i--)
                    {
                        if (!Glued(text[i - 1], text[i]))
                        {
                            cut = i;
                            break;
                        }
                    }
                }

                if (cut < 0)
                {
                    cut = limit;
                    if (char.IsHighSurrogate(text[cut - 1]) && char.IsLowSurrogate(text[cut]))
                    {
                        cut--;
                    }
                }

                end = cut;
                while (end < n && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            chunks.Add((pos, end - pos));
            pos = end;
        }

        return chunks;
    }

    private static bool IsSentenceEnd(char c) => c is '.' or '!' or '?' or '…';

    /// <summary>True when a hard cut between <paramref name="before"/> and <paramref name="after"/> would split a lexical token, a surrogate pair, or a character from its combining mark.</summary>
    private static bool Glued(char before, char after) =>
        (LexicalTokenizer.IsTokenChar(before) && LexicalTokenizer.IsTokenChar(after))
        || (char.IsHighSurrogate(before) && char.IsLowSurrogate(after))
        || char.GetUnicodeCategory(after) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.EnclosingMark;
}
