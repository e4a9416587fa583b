using System.Globalization;

namespace LodeDb;

/// <summary>
/// A string given to a write holds ill-formed UTF-16 (a lone surrogate). Stored as UTF-8 it
/// would read back as U+FFFD, a different string (two ids differing only there would collide),
/// so the write is refused and nothing is stored. The message names the field, the item's index
/// in the call and the character position.
/// </summary>
public sealed class IllFormedStringException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/> of item <paramref name="index"/>, whose character <paramref name="position"/> is a lone surrogate.</summary>
    public IllFormedStringException(string field, int index, int position, char surrogate, string? paramName)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"The {field} of item {index} holds a lone surrogate ({(position < 0 ? "an escaped one in its JSON" : $"U+{(int)surrogate:X4} at character {position}")}): it is not well-formed UTF-16, so it cannot be stored and read back unchanged. Nothing was stored; remove the character or complete its surrogate pair."),
            paramName)
    {
        Field = field;
        Index = index;
        Position = position;
    }

    /// <summary>What the string is: "id", "text", "caption", "metadata key 'k'", "metadata value of 'k'", "ModelName".</summary>
    public string Field { get; }

    /// <summary>The item's index in the call (0 for a single-item call).</summary>
    public int Index { get; }

    /// <summary>The position (UTF-16 code unit) of the lone surrogate in the string; -1 for an escape inside a JSON value.</summary>
    public int Position { get; }
}
