using System.Linq.Expressions;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>A record shaped like the conformance suite's filter record.</summary>
public sealed class FilterRecord
{
    [VectorStoreKey] public string Key { get; set; } = "";
    [VectorStoreData] public int Int { get; set; }
    [VectorStoreData] public int Int2 { get; set; }
    [VectorStoreData] public string? String { get; set; }
    [VectorStoreData] public bool Bool { get; set; }
    [VectorStoreData] public double Double { get; set; }
    [VectorStoreData] public DateTime Date { get; set; }
    [VectorStoreData] public string[] StringArray { get; set; } = [];
    [VectorStoreData] public List<string> StringList { get; set; } = [];
    [VectorStoreVector(3)] public ReadOnlyMemory<float> Vector { get; set; }
}

/// <summary>
/// Each filter operator, as the conformance suite checks it: the records a LINQ filter selects
/// through LodeDb (GetAsync with a filter, and SearchAsync with the same filter) are exactly those
/// LINQ to Objects selects from the same records.
/// </summary>
public sealed class FilterTests
{
    private TestFolder _folder = null!;
    private LodeVectorStore _store = null!;
    private VectorStoreCollection<string, FilterRecord> _collection = null!;

    private static readonly FilterRecord[] Records =
    [
        Make("1", 8, 80, "foo", true, 1.5, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), ["x", "y"]),
        Make("2", 9, 90, "bar", false, 2.5, new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc), ["y"]),
        Make("3", 9, 9, "foo", true, 3.5, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), ["z"]),
        Make("4", 10, 100, null, false, 4.5, new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc), []),
        Make("5", 11, 110, "with special\"characters'and\\stuff", true, -1.0, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), ["x"]),
        Make("6", 12, 0, "UPPER", false, 0.0, new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc), ["x", "z"]),
    ];

    private static FilterRecord Make(string key, int i, int i2, string? s, bool b, double d, DateTime date, string[] tags) => new()
    {
        Key = key,
        Int = i,
        Int2 = i2,
        String = s,
        Bool = b,
        Double = d,
        Date = date,
        StringArray = tags,
        StringList = [.. tags],
        Vector = TestVectors.Random(int.Parse(key), 3),
    };

    [OneTimeSetUp]
    public async Task CreateCollection()
    {
        _folder = new TestFolder();
        _store = LodeVectorStore.Open(_folder.Path);
        _collection = _store.GetCollection<string, FilterRecord>("filters");
        await _collection.EnsureCollectionExistsAsync();
        await _collection.UpsertAsync(Records);
    }

    [OneTimeTearDown]
    public void DeleteCollection()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private async Task TestFilter(Expression<Func<FilterRecord, bool>> filter, bool expectNone = false, bool expectAll = false)
    {
        string[] expected = Records.Where(filter.Compile()).Select(r => r.Key).Order().ToArray();
        Assert.That(expected.Length == 0, Is.EqualTo(expectNone), $"the test data must {(expectNone ? "" : "not ")}make {filter} select nothing");
        Assert.That(expected.Length == Records.Length, Is.EqualTo(expectAll), $"the test data must {(expectAll ? "" : "not ")}make {filter} select everything");

        string[] got = await _collection.GetAsync(filter, 100).Select(r => r.Key).Order().ToArrayAsync();
        Assert.That(got, Is.EqualTo(expected), $"GetAsync({filter})");

        string[] searched = await _collection.SearchAsync(new float[] { 1, 0, 0 }, 100, new() { Filter = filter })
            .Select(r => r.Record.Key).Order().ToArrayAsync();
        Assert.That(searched, Is.EqualTo(expected), $"SearchAsync with {filter}");
    }

    [Test] public Task Equal_with_int() => TestFilter(r => r.Int == 8);
    [Test] public Task Equal_reversed() => TestFilter(r => 8 == r.Int);
    [Test] public Task Equal_with_string() => TestFilter(r => r.String == "foo");
    [Test] public Task Equal_with_string_containing_special_characters() => TestFilter(r => r.String == "with special\"characters'and\\stuff");
    [Test] public Task Equal_with_string_is_case_sensitive() => TestFilter(r => r.String == "upper", expectNone: true);
    [Test] public Task Equal_with_null_string() => TestFilter(r => r.String == null);
    [Test] public Task Equal_with_bool() => TestFilter(r => r.Bool == true);
    [Test] public Task Equal_with_double() => TestFilter(r => r.Double == 2.5);
    [Test] public Task Equal_with_datetime() => TestFilter(r => r.Date == new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    [Test] public Task NotEqual_with_int() => TestFilter(r => r.Int != 8);
    [Test] public Task NotEqual_with_string() => TestFilter(r => r.String != "foo");
    [Test] public Task NotEqual_with_null_string() => TestFilter(r => r.String != null);
    [Test] public Task NotEqual_reversed() => TestFilter(r => 8 != r.Int);
    [Test] public Task GreaterThan_with_int() => TestFilter(r => r.Int > 9);
    [Test] public Task GreaterThanOrEqual_with_int() => TestFilter(r => r.Int >= 9);
    [Test] public Task LessThan_with_int() => TestFilter(r => r.Int < 10);
    [Test] public Task LessThanOrEqual_with_int() => TestFilter(r => r.Int <= 10);
    [Test] public Task LessThan_reversed() => TestFilter(r => 10 < r.Int);
    [Test] public Task GreaterThan_with_double() => TestFilter(r => r.Double > 1.5);
    [Test] public Task Range_with_datetime() => TestFilter(r => r.Date >= new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    // C# compares DateTimes by ticks, whatever their kinds; the stored "O" strings end with the kind.
    [Test] public Task Equal_with_datetime_of_another_kind() => TestFilter(r => r.Date == new DateTime(2025, 1, 1));
    [Test] public Task NotEqual_with_datetime_of_another_kind() => TestFilter(r => r.Date != new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Local));
    [Test] public Task Range_with_datetime_of_another_kind() => TestFilter(r => r.Date > new DateTime(2025, 1, 1) && r.Date <= new DateTime(2026, 1, 1));
    [Test] public Task Contains_over_datetimes_of_other_kinds() => TestFilter(r => new[] { new DateTime(2024, 6, 1), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Local) }.Contains(r.Date));
    [Test] public Task And() => TestFilter(r => r.Int == 9 && r.String == "foo");
    [Test] public Task Or() => TestFilter(r => r.Int == 8 || r.String == "bar");
    [Test] public Task And_within_or() => TestFilter(r => (r.Int == 8 && r.Bool) || (r.Int == 10 && !r.Bool));
    [Test] public Task Or_within_and() => TestFilter(r => (r.Int == 8 || r.Int == 9) && r.String == "foo");
    [Test] public Task Not_over_equal() => TestFilter(r => !(r.Int == 8));
    [Test] public Task Not_over_and() => TestFilter(r => !(r.Int == 8 && r.String == "foo"));
    [Test] public Task Not_over_or() => TestFilter(r => !(r.Int == 8 || r.String == "foo"));
    [Test] public Task Not_over_range() => TestFilter(r => !(r.Int > 9));
    [Test] public Task Bool_property() => TestFilter(r => r.Bool);
    [Test] public Task Not_bool_property() => TestFilter(r => !r.Bool);
    [Test] public Task Bool_and_comparison() => TestFilter(r => r.Bool && r.Int2 > 50);
    [Test] public Task True_selects_everything() => TestFilter(r => true, expectAll: true);
    [Test] public Task Contains_over_inline_int_array() => TestFilter(r => new[] { 8, 10 }.Contains(r.Int));
    [Test] public Task Contains_over_inline_string_array() => TestFilter(r => new[] { "foo", "baz" }.Contains(r.String));

    [Test]
    public Task Contains_over_captured_array()
    {
        int[] ints = [9, 11];
        return TestFilter(r => ints.Contains(r.Int));
    }

    [Test]
    public Task Contains_over_captured_list()
    {
        List<string> strings = ["bar", "UPPER"];
        return TestFilter(r => strings.Contains(r.String!));
    }

    [Test]
    public Task Captured_variable_in_comparison()
    {
        int threshold = 10;
        return TestFilter(r => r.Int >= threshold);
    }

    [Test]
    public Task Captured_value_cast_to_the_property_type()
    {
        // The cast is C#'s: (int)9.7 is 9, not 9.7 (which no int equals).
        double rating = 9.7;
        return TestFilter(r => r.Int == (int)rating);
    }

    [Test] public Task Implicitly_widened_property() => TestFilter(r => r.Int > 9.5);

    [Test] public Task Contains_on_array_property() => TestFilter(r => r.StringArray.Contains("x"));
    [Test] public Task Contains_on_list_property() => TestFilter(r => r.StringList.Contains("z"));
    [Test] public Task Not_contains_on_array_property() => TestFilter(r => !r.StringArray.Contains("x"));

    [Test]
    public void Unsupported_filters_throw_NotSupportedException_before_searching()
    {
        Expression<Func<FilterRecord, bool>>[] unsupported =
        [
            r => r.String!.StartsWith("f"),
            r => r.String!.Contains("o"),
            r => r.Int + 1 == 9,
            r => r.Int == r.Int2,
            r => r.Key == "1" || r.Int == 9,
            r => r.Key != "1",
            r => !(r.Key == "1"),
            r => new string[2].Contains(r.String),
            r => r.StringArray.Any(s => s == "x"),
            r => r.String!.Length == 3,
            // A narrowing cast of a property changes the value compared: (int)2.5 == 2.
            r => (int)r.Double == 2,
            r => (float)r.Double == 2.5f,
            // DateTime to DateTimeOffset is a conversion operator: it compared the DateTime's own string.
            r => r.Date == new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ];
        foreach (var filter in unsupported)
        {
            var ex = Assert.ThrowsAsync<NotSupportedException>(async () => await _collection.GetAsync(filter, 10).ToListAsync(), filter.ToString());
            Assert.That(ex!.Message, Is.Not.Empty);
            Assert.ThrowsAsync<NotSupportedException>(async () => await _collection.SearchAsync(new float[] { 1, 0, 0 }, 10, new() { Filter = filter }).ToListAsync(), filter.ToString());
        }
    }
}
