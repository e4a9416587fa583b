namespace LodeDb;

/// <summary>Equality and ordering of canonical metadata scalars (see <see cref="MetadataCodec"/>).</summary>
internal static class MetadataComparer
{
    public static bool ScalarEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (long x, long y) => x == y,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (double x, double y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        _ => false,
    };

    /// <summary>Numbers with numbers, strings with strings (ordinal); null when not comparable.</summary>
    public static int? Compare(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (long x, double y) => ((double)x).CompareTo(y),
        (double x, long y) => x.CompareTo((double)y),
        (double x, double y) => x.CompareTo(y),
        (string x, string y) => Math.Sign(string.CompareOrdinal(x, y)),
        _ => null,
    };
}
