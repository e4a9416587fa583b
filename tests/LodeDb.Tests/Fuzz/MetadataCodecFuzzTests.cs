using System.Text;
using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>The metadata codec: exact round trips, and only <see cref="FormatException"/> for damaged bytes.</summary>
public sealed class MetadataCodecFuzzTests
{
    /// <summary>JSON fragments that probe the number, string and structure rules of the reader.</summary>
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"k\"", "\"$k\"", "\"\"", "1", "-0", "-0.0", "3.0", "1e400", "-1e400", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1.7976931348623157e308", "5e-324", "0.1",
        "true", "false", "null", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"é\"", "{}", "[]", "[[1]]", "{\"a\":{}}", " ", "\"a\":1",
    ];

    private static readonly Gen<byte[]> JsonSoup =
        Gen.OneOf(Fragments).Array[0, 12].Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts)));

    private static bool Documented(Exception e) => e is FormatException;

    [Test]
    public void EveryCanonicalValueRoundTripsExactly()
    {
        FuzzData.Metadata.Sample(
            metadata =>
            {
                byte[] encoded = MetadataCodec.Serialize(metadata);
                IReadOnlyDictionary<string, object?> decoded = MetadataCodec.Deserialize(encoded);
                if (!FuzzData.SameMetadata(metadata, decoded))
                {
                    throw new InvalidOperationException($"{Encoding.UTF8.GetString(encoded)} read back differently");
                }

                foreach ((string key, object? value) in metadata)
                {
                    object? back = decoded[key];
                    if (value?.GetType() != back?.GetType() && value is not IReadOnlyList<object?>)
                    {
                        throw new InvalidOperationException($"'{key}': {value?.GetType().Name} read back as {back?.GetType().Name}");
                    }
                }
            },
            iter: FuzzRun.Iterations(FuzzRun.DefaultIterations * 5),
            time: FuzzRun.Seconds,
            threads: 1);
    }

    [Test]
    public void MutatedEncodingsFailOnlyWithFormatException()
    {
        Gen<byte[]> inputs = Gen.Select(FuzzData.Metadata, ByteMutations.Some, (metadata, mutations) => ByteMutations.Apply(MetadataCodec.Serialize(metadata), mutations));
        FuzzRun.Check(inputs, b => b.Length, b => MetadataCodec.Deserialize(b), Documented);
    }

    [Test]
    public void JsonSoupFailsOnlyWithFormatException()
    {
        FuzzRun.Check(JsonSoup, b => b.Length, b => MetadataCodec.Deserialize(b), Documented);
    }

    [Test]
    public void RandomBytesFailOnlyWithFormatException()
    {
        FuzzRun.Check(Gen.Byte.Array[0, 200], b => b.Length, b => MetadataCodec.Deserialize(b), Documented);
    }

    [TestCase("{\"a\":1e400}")]
    [TestCase("{\"a\":9223372036854775808}")]
    [TestCase("{\"a\":\"\\ud800\"}")]
    [TestCase("{\"\\udc00\":1}")]
    [TestCase("{\"a\":1,\"a\":2}")]
    [TestCase("{\"a\":1} ")]
    [TestCase("{\"a\":1}{}")]
    [TestCase("{\"$a\":1}")]
    [TestCase("{\"\":1}")]
    [TestCase("{\"a\":[[1]]}")]
    [TestCase("{\"a\":{\"$b\":1}}")]
    [TestCase("[1]")]
    public void BytesTheWriterNeverProducesAreFormatExceptions(string json)
    {
        Assert.Throws<FormatException>(() => MetadataCodec.Deserialize(Encoding.UTF8.GetBytes(json)));
    }
}
