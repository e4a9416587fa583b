using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>Generators of valid values for the encoders: well-formed strings, canonical metadata, token lists.</summary>
internal static class FuzzData
{
    /// <summary>Pieces that stress JSON escaping and UTF-8: quotes, backslashes, controls, non-ASCII, surrogate pairs.</summary>
    private static readonly string[] Pieces = ["a", "b", "key", "é", "ß", "日本", "😀", "𝄞", "\"", "\\", "\n", "\0", "\u2028", " ", "$", "/", "{", "1"];

    public static readonly Gen<string> Text = Gen.OneOf(Pieces).Array[0, 6].Select(string.Concat);

    public static readonly Gen<string> NonEmptyText = Gen.OneOf(Pieces).Array[1, 6].Select(string.Concat);

    private static readonly double[] EdgeDoubles =
        [0.0, -0.0, 3.0, 0.1, 1e15, 1e16, 1e17, 1234567890123456.0, 9007199254740992.0, 9223372036854775808.0, -9223372036854775808.0, double.Epsilon, double.MaxValue, double.MinValue, 1e-300, 2.5e-308];

    private static readonly long[] EdgeLongs = [0, 1, -1, 2024, 9007199254740993, long.MaxValue, long.MinValue, int.MaxValue + 1L];

    /// <summary>Finite doubles: edge values, and arbitrary bit patterns that are finite.</summary>
    public static readonly Gen<double> Double = Gen.Frequency(
        (1, Gen.OneOf(EdgeDoubles)),
        (2, Gen.Long.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite)),
        (1, Gen.Double[-1e6, 1e6]));

    public static readonly Gen<long> Long = Gen.Frequency((1, Gen.OneOf(EdgeLongs)), (2, Gen.Long));

    public static readonly Gen<object?> Scalar = Gen.Frequency(
        (3, Long.Select(l => (object?)l)),
        (3, Double.Select(d => (object?)d)),
        (1, Gen.Bool.Select(b => (object?)b)),
        (3, Text.Select(s => (object?)s)),
        (1, Gen.Const((object?)null)));

    public static readonly Gen<object?> Value = Gen.Frequency(
        (4, Scalar),
        (1, Scalar.Array[0, 4].Select(items => (object?)items)));

    private static readonly Gen<string> Key = NonEmptyText.Where(k => !k.StartsWith('$'));

    /// <summary>Canonical metadata (as the API stores it), 0 to 5 keys.</summary>
    public static readonly Gen<IReadOnlyDictionary<string, object?>> Metadata =
        Gen.Select(Key, Value).Array[0, 5].Select(pairs =>
        {
            var raw = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach ((string key, object? value) in pairs)
            {
                raw[key] = value;
            }

            return MetadataCodec.Normalize(raw, "metadata");
        });

    private static readonly string[] Terms = ["a", "car", "e1234", "abc-123", "2024-01-15", "v1.2.3"];

    /// <summary>A chunk's lexical tokens (duplicates are frequencies); null for none.</summary>
    public static string[]? Tokens(Random random) =>
        random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(1, 7)).Select(_ => Terms[random.Next(Terms.Length)]).ToArray();

    /// <summary>A well-formed string from <paramref name="random"/> (for builders driven by a seed).</summary>
    public static string RandomText(Random random, int minPieces = 0) =>
        string.Concat(Enumerable.Range(0, random.Next(minPieces, 6)).Select(_ => Pieces[random.Next(Pieces.Length)]));

    /// <summary>Exact equality of canonical metadata: same keys in order, same types, same bits (the canonical JSON is injective).</summary>
    public static bool SameMetadata(IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b) =>
        MetadataCodec.Serialize(a).AsSpan().SequenceEqual(MetadataCodec.Serialize(b));

    /// <summary>Token lists equal as multisets (the encoders group repeats by term).</summary>
    public static bool SameTokens(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0)
        : b is not null && a.Order(StringComparer.Ordinal).SequenceEqual(b.Order(StringComparer.Ordinal));
}
