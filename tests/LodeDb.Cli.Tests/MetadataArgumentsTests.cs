using LodeDb.Cli.Indexing;

namespace LodeDb.Cli.Tests;

/// <summary>How <c>--metadata key=value</c> values are typed.</summary>
public sealed class MetadataArgumentsTests
{
    [TestCase("2024", 2024L)]
    [TestCase("-7", -7L)]
    [TestCase("0", 0L)]
    [TestCase("2.5", 2.5)]
    [TestCase("true", true)]
    [TestCase("false", false)]
    [TestCase("02134", "02134")]
    [TestCase("blue", "blue")]
    [TestCase("1e400", "1e400")]
    [TestCase("12345678901234567890", "12345678901234567890")]
    [TestCase("9223372036854775807", long.MaxValue)]
    [TestCase("", "")]
    public void Values_that_read_as_numbers_or_booleans_are_typed(string text, object expected)
    {
        Assert.That(MetadataArguments.ParseValue(text), Is.EqualTo(expected).And.TypeOf(expected.GetType()));
    }

    [TestCase("-05")]
    [TestCase("+05")]
    [TestCase("-00.5")]
    public void A_signed_number_with_a_leading_zero_stays_text(string text)
    {
        Assert.That(MetadataArguments.ParseValue(text), Is.EqualTo(text).And.TypeOf<string>());
    }

    [Test]
    public void Pairs_split_at_the_first_equals_sign()
    {
        Dictionary<string, object?> metadata = MetadataArguments.Parse(["url=https://x.test/?a=b", "year=2024"]);

        Assert.That(metadata, Is.EqualTo(new Dictionary<string, object?> { ["url"] = "https://x.test/?a=b", ["year"] = 2024L }));
    }

    [Test]
    public void A_key_given_twice_is_a_usage_error()
    {
        Assert.That(() => MetadataArguments.Parse(["a=1", "a=2"]), Throws.TypeOf<CliUsageException>().With.Message.Contains("'a' twice"));
    }
}
