namespace LodeDb;

/// <summary>
/// Refuses strings that cannot round-trip through the UTF-8 of the files: a lone surrogate would
/// be written as U+FFFD and read back as another string.
/// </summary>
internal static class StringValidation
{
    /// <summary>Position of the first lone surrogate of <paramref name="value"/>, or -1 when it is well-formed UTF-16.</summary>
    public static int FindLoneSurrogate(ReadOnlySpan<char> value)
    {
        int i = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (i >= 0)
        {
            if (!char.IsHighSurrogate(value[i]) || i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
            {
                return i;
            }

            int next = value[(i + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
            i = next < 0 ? -1 : i + 2 + next;
        }

        return -1;
    }

    /// <summary>Returns <paramref name="value"/>, or throws <see cref="IllFormedStringException"/> naming the field and item.</summary>
    public static string WellFormed(string value, string field, int index, string? argumentName)
    {
        int at = FindLoneSurrogate(value);
        return at < 0 ? value : throw new IllFormedStringException(field, index, at, value[at], argumentName);
    }
}
