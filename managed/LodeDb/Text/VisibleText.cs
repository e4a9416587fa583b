using System.Globalization;
using System.Text;

namespace LodeDb;

/// <summary>
/// Whether a text shows anything: one that holds only whitespace, format characters (U+200B ZERO
/// WIDTH SPACE, U+200C/U+200D, U+2060 WORD JOINER, U+FEFF, U+00AD SOFT HYPHEN) and control
/// characters looks empty to a reader and gives the lexical index no token, so every write path
/// refuses it as it refuses an empty text. The one rule for documents and graph names.
/// </summary>
internal static class VisibleText
{
    /// <summary>Whether <paramref name="text"/> has at least one character that is not whitespace, a format character or a control character.</summary>
    public static bool Any(ReadOnlySpan<char> text)
    {
        // By rune, not by char: format characters also live above U+FFFF (tags U+E0001..U+E007F).
        // A lone surrogate enumerates as U+FFFD, so it counts as visible; the surrogate check refuses it.
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune) && !Rune.IsControl(rune) && Rune.GetUnicodeCategory(rune) != UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }
}
