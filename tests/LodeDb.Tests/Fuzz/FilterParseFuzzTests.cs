using System.Text;
using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// <see cref="Filter.Parse(string)"/> on generated, mutated and random documents: it returns a
/// filter or throws <see cref="InvalidFilterException"/> (an <see cref="ArgumentException"/>),
/// nothing else, and a parsed filter evaluates any metadata without throwing.
/// </summary>
public sealed class FilterParseFuzzTests
{
    private static readonly string[] Operators = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$not", "$near"];

    private static readonly string[] Operands =
        ["1", "-0.0", "2.5", "9007199254740993", "1e400", "9223372036854775808", "\"x\"", "\"\\ud800\"", "true", "null", "[]", "[1,\"a\",null]", "[[1]]", "{}", "{\"$gt\":1}", "{\"a\":1}"];

    private static readonly Gen<string> Key = Gen.OneOf("a", "year", "tags", "", "$and", "é", "\\ud800");

    /// <summary>Filter documents built from the grammar (depth-limited), valid or nearly so.</summary>
    private static readonly Gen<string> Documents = Gen.Recursive<string>((depth, self) =>
    {
        Gen<string> field = Gen.Select(Key, Gen.OneOf(Operators), Gen.OneOf(Operands), (k, op, operand) => $"{{\"{k}\": {{\"{op}\": {operand}}}}}");
        Gen<string> plain = Gen.Select(Key, Gen.OneOf(Operands), (k, operand) => $"{{\"{k}\": {operand}}}");
        if (depth > 4)
        {
            return Gen.OneOf(field, plain);
        }

        Gen<string> logic = Gen.Select(Gen.OneOf("$and", "$or"), self.Array[0, 3], (op, parts) => $"{{\"{op}\": [{string.Join(", ", parts)}]}}");
        Gen<string> not = self.Select(inner => $"{{\"$not\": {inner}}}");
        return Gen.Frequency((3, field), (2, plain), (2, logic), (1, not));
    });

    private static readonly IReadOnlyDictionary<string, object?>[] Rows =
    [
        MetadataCodec.Empty,
        new Dictionary<string, object?> { ["a"] = 1L, ["year"] = 2.5, ["tags"] = new List<object?> { "x", 1L, null }.AsReadOnly() },
        new Dictionary<string, object?> { ["a"] = "x", ["year"] = 9007199254740993L, ["é"] = true },
    ];

    private static bool Documented(Exception e) => e is InvalidFilterException;

    private static void ParseAndEvaluate(string json)
    {
        Filter filter = Filter.Parse(json);
        foreach (IReadOnlyDictionary<string, object?> row in Rows)
        {
            filter.Matches(row);
        }
    }

    [Test]
    public void GrammarDocumentsParseOrFailWithInvalidFilterException()
    {
        FuzzRun.Check(Documents, s => s.Length * 2L, ParseAndEvaluate, Documented);
    }

    [Test]
    public void MutatedDocumentsParseOrFailWithInvalidFilterException()
    {
        Gen<string> inputs = Gen.Select(Documents, ByteMutations.Some, (json, mutations) => Encoding.UTF8.GetString(ByteMutations.Apply(Encoding.UTF8.GetBytes(json), mutations)));
        FuzzRun.Check(inputs, s => s.Length * 2L, ParseAndEvaluate, Documented, FuzzRun.DefaultIterations * 2);
    }

    [Test]
    public void RandomTextFailsOnlyWithInvalidFilterException()
    {
        FuzzRun.Check(Gen.String, s => s.Length * 2L, ParseAndEvaluate, Documented);
    }

    [TestCase("{\"a\": \"\\ud800\"}")]
    [TestCase("{\"\\ud800\": 1}")]
    [TestCase("{\"a\": {\"$in\": [\"\\udc00\"]}}")]
    [TestCase("{\"a\": 1e400}")]
    [TestCase("{\"a\": {\"$gt\": 9223372036854775808}}")]
    public void EscapesAndNumbersNoValueCanHoldAreInvalidFilters(string json)
    {
        Assert.Throws<InvalidFilterException>(() => Filter.Parse(json));
    }
}
