namespace LodeDb;

/// <summary>Equality and ordering of canonical metadata scalars (see <see cref="MetadataCodec"/>).</summary>
internal static class MetadataComparer
{
    public static bool ScalarEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (long x, long y) => x == y,
        (long x, double y) => CompareExact(x, y) == 0,
        (double x, long y) => CompareExact(y, x) == 0,
        (double x, double y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        _ => false,
    };

    /// <summary>Numbers with numbers, strings with strings (ordinal); null when not comparable.</summary>
    public static int? Compare(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (long x, double y) => CompareExact(x, y),
        (double x, long y) => -CompareExact(y, x),
        (double x, double y) => x.CompareTo(y),
        (string x, string y) => Math.Sign(string.CompareOrdinal(x, y)),
        _ => null,
    };

    /// <summary>
    /// Orders a long against a finite double by their exact values: converting the long to
    /// double would round above 2^53 (9007199254740993 would equal 9007199254740992.0).
    /// </summary>
    private static int CompareExact(long x, double y)
    {
        const double TwoTo63 = 9223372036854775808.0;
        if (y >= TwoTo63)
        {
            return -1;
        }

        if (y < -TwoTo63)
        {
            return 1;
        }

        // floor(y) lies in [-2^63, 2^63), so the cast is exact.
        double floor = Math.Floor(y);
        long whole = (long)floor;
        if (x != whole)
        {
            return x < whole ? -1 : 1;
        }

        return y > floor ? -1 : 0;
    }
}
