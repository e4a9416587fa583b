namespace LodeDb.Tests.Input;

/// <summary>
/// Every metadata value type comes back with its .NET type and exact value: in memory, after a
/// WAL replay (or Generation journal replay), and after a checkpoint (rows file).
/// </summary>
public sealed class MetadataRoundTripTests
{
    private const int Dim = 4;
    private const long Beyond53Bits = 9007199254740993; // 2^53 + 1: not representable as a double

    private static readonly float[] Vector = [1, 2, 3, 4];

    /// <summary>The caller's metadata and the canonical value each key must read back as.</summary>
    private static readonly (string Key, object? Given, object? Expected)[] Values =
    [
        ("int", 2024, 2024L),
        ("long", Beyond53Bits, Beyond53Bits),
        ("longMax", long.MaxValue, long.MaxValue),
        ("longMin", long.MinValue, long.MinValue),
        ("negative", -7, -7L),
        ("short", (short)12, 12L),
        ("uint", 4_000_000_000u, 4_000_000_000L),
        ("ulong", 9_000_000_000_000_000_000ul, 9_000_000_000_000_000_000L),
        ("doubleWhole", 3.0, 3.0),
        ("doubleFraction", 0.1, 0.1),
        ("doubleBigWhole", 1234567890123456.0, 1234567890123456.0),
        ("double2p53", 9007199254740992.0, 9007199254740992.0),
        ("doubleHuge", 1e300, 1e300),
        ("doubleTiny", double.Epsilon, double.Epsilon),
        ("doubleNegativeZero", -0.0, -0.0),
        ("float", 1.5f, 1.5),
        ("bool", true, true),
        ("false", false, false),
        ("string", "héllo 😀", "héllo 😀"),
        ("empty", "", ""),
        ("null", null, null),
        ("array", new object?[] { 1, 2.5, 3.0, "x", true, null, Beyond53Bits }, new object?[] { 1L, 2.5, 3.0, "x", true, null, Beyond53Bits }),
        ("emptyArray", Array.Empty<object>(), Array.Empty<object>()),
        ("longArray", new long[] { 1, long.MaxValue }, new object?[] { 1L, long.MaxValue }),
        ("object", new Dictionary<string, object?> { ["name"] = "x", ["year"] = 2024, ["exact"] = Beyond53Bits, ["ratio"] = 3.0, ["tags"] = new[] { "a" }, ["inner"] = new Dictionary<string, object?> { ["ok"] = true, ["none"] = null } },
            new Dictionary<string, object?> { ["name"] = "x", ["year"] = 2024L, ["exact"] = Beyond53Bits, ["ratio"] = 3.0, ["tags"] = new object?[] { "a" }, ["inner"] = new Dictionary<string, object?> { ["ok"] = true, ["none"] = null } }),
        ("emptyObject", new Dictionary<string, object?>(), new Dictionary<string, object?>()),
    ];

    private static Dictionary<string, object?> Given() => Values.ToDictionary(v => v.Key, v => v.Given);

    private static void AssertExact(IReadOnlyDictionary<string, object?> metadata, string when)
    {
        Assert.That(metadata.Keys, Is.EquivalentTo(Values.Select(v => v.Key)), when);
        foreach ((string key, _, object? expected) in Values)
        {
            AssertValue(metadata[key], expected, $"{when}: key '{key}'");
        }
    }

    private static void AssertValue(object? actual, object? expected, string what)
    {
        switch (expected)
        {
            case null:
                Assert.That(actual, Is.Null, what);
                break;
            case Dictionary<string, object?> members:
                Assert.That(actual, Is.InstanceOf<IReadOnlyDictionary<string, object?>>(), what);
                var nested = (IReadOnlyDictionary<string, object?>)actual!;
                Assert.That(nested.Keys, Is.EquivalentTo(members.Keys), what);
                foreach ((string key, object? value) in members)
                {
                    AssertValue(nested[key], value, $"{what}.{key}");
                }

                break;
            case object?[] items:
                Assert.That(actual, Is.InstanceOf<IReadOnlyList<object?>>(), what);
                var list = (IReadOnlyList<object?>)actual!;
                Assert.That(list, Has.Count.EqualTo(items.Length), what);
                for (int i = 0; i < items.Length; i++)
                {
                    AssertValue(list[i], items[i], $"{what}[{i}]");
                }

                break;
            case double d:
                Assert.That(actual, Is.TypeOf<double>(), what);
                // Bit for bit: -0.0 stays -0.0, no last-digit drift.
                Assert.That(BitConverter.DoubleToInt64Bits((double)actual!), Is.EqualTo(BitConverter.DoubleToInt64Bits(d)), $"{what}: {actual} != {d}");
                break;
            default:
                // NUnit's numeric equality would call 2024.0 equal to 2024L: check the type first.
                Assert.That(actual, Is.TypeOf(expected.GetType()), what);
                Assert.That(actual, Is.EqualTo(expected), what);
                break;
        }
    }

    [TestCase(CommitMode.Wal, false)]
    [TestCase(CommitMode.Wal, true)]
    [TestCase(CommitMode.Generation, false)]
    [TestCase(CommitMode.Generation, true)]
    public void EveryValueTypeReadsBackExactlyAfterReopen(CommitMode mode, bool checkpoint)
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = mode }))
        {
            db.AddVector(Vector, "a", Given());
            AssertExact(db.Get("a")!.Metadata, "in memory");
            if (checkpoint)
            {
                db.Persist();
            }
        }

        string route = checkpoint ? "after a checkpoint" : mode == CommitMode.Wal ? "after WAL replay" : "after journal replay";
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }))
        {
            AssertExact(db.Get("a")!.Metadata, route);
            Assert.That((long)db.Get("a")!.Metadata["int"]!, Is.EqualTo(2024L), "the cast of the issue: (long)meta[\"year\"]");
        }

        using (var db = LodeDatabase.OpenReadOnly(folder.Path))
        {
            AssertExact(db.List()[0].Metadata, route + " (read-only)");
        }
    }

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void FiltersOnLargeIntegersStayExactAfterReopen(CommitMode mode)
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = mode }))
        {
            db.AddVector(Vector, "992", new Dictionary<string, object?> { ["n"] = Beyond53Bits - 1 });
            db.AddVector(Vector, "993", new Dictionary<string, object?> { ["n"] = Beyond53Bits });
            db.AddVector(Vector, "994", new Dictionary<string, object?> { ["n"] = Beyond53Bits + 1 });
        }

        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }))
        {
            string[] Ids(Filter f) => db.List(f).Select(r => r.Id).Order(StringComparer.Ordinal).ToArray();
            Assert.That(Ids(Filter.Eq("n", Beyond53Bits)), Is.EqualTo(new[] { "993" }));
            Assert.That(Ids(Filter.Ne("n", Beyond53Bits)), Is.EqualTo(new[] { "992", "994" }));
            Assert.That(Ids(Filter.Gt("n", Beyond53Bits)), Is.EqualTo(new[] { "994" }));
            Assert.That(Ids(Filter.Gte("n", Beyond53Bits)), Is.EqualTo(new[] { "993", "994" }));
            Assert.That(Ids(Filter.Lt("n", Beyond53Bits)), Is.EqualTo(new[] { "992" }));
            Assert.That(Ids(Filter.In("n", new[] { Beyond53Bits })), Is.EqualTo(new[] { "993" }));
            Assert.That(Ids(Filter.Parse("{\"n\": 9007199254740993}")), Is.EqualTo(new[] { "993" }));
            Assert.That(Ids(Filter.Parse("{\"n\": {\"$lte\": 9007199254740993}}")), Is.EqualTo(new[] { "992", "993" }));

            // A double names one exact value: 2^53 as a double equals the long 2^53 and nothing else.
            Assert.That(Ids(Filter.Eq("n", 9007199254740992.0)), Is.EqualTo(new[] { "992" }));
            Assert.That(Ids(Filter.Gt("n", 9007199254740992.0)), Is.EqualTo(new[] { "993", "994" }));
            Assert.That(Ids(Filter.Lte("n", 9007199254740992.0)), Is.EqualTo(new[] { "992" }));
            Assert.That(Ids(Filter.Lt("n", 9007199254740994.0)), Is.EqualTo(new[] { "992", "993" }));
        }
    }

    [Test]
    public void LongAndDoubleCompareExactlyAtTheEdgesOfTheLongRange()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        db.AddVector(Vector, "max", new Dictionary<string, object?> { ["n"] = long.MaxValue });
        db.AddVector(Vector, "min", new Dictionary<string, object?> { ["n"] = long.MinValue });
        string[] Ids(Filter f) => db.List(f).Select(r => r.Id).Order(StringComparer.Ordinal).ToArray();

        // (double)long.MaxValue is 2^63, one more than long.MaxValue.
        Assert.That(Ids(Filter.Eq("n", 9223372036854775808.0)), Is.Empty);
        Assert.That(Ids(Filter.Lt("n", 9223372036854775808.0)), Is.EqualTo(new[] { "max", "min" }));
        Assert.That(Ids(Filter.Eq("n", -9223372036854775808.0)), Is.EqualTo(new[] { "min" }));
        Assert.That(Ids(Filter.Gt("n", -1e300)), Is.EqualTo(new[] { "max", "min" }));
        Assert.That(Ids(Filter.Gte("n", 1e300)), Is.Empty);
    }

    [Test]
    public void IntegersOutsideTheLongRangeAreRejectedNotRounded()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        var ex = Assert.Throws<ArgumentException>(() => db.AddVector(Vector, "a", new Dictionary<string, object?> { ["n"] = ulong.MaxValue }));
        Assert.That(ex!.Message, Does.Contain("'n'").And.Contain("18446744073709551615"));
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void ObjectsAreRefusedWhereOnlyScalarsFitAndTooDeepNesting()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        var inArray = Assert.Throws<ArgumentException>(() => db.AddVector(Vector, "a", new Dictionary<string, object?> { ["authors"] = new object?[] { new Dictionary<string, object?> { ["name"] = "x" } } }));
        Assert.That(inArray!.Message, Does.Contain("'authors'"));
        object? deep = "leaf";
        for (int i = 0; i <= MetadataCodec.MaxNestingDepth; i++)
        {
            deep = new Dictionary<string, object?> { ["k"] = deep };
        }

        var tooDeep = Assert.Throws<ArgumentException>(() => db.AddVector(Vector, "a", new Dictionary<string, object?> { ["deep"] = deep }));
        Assert.That(tooDeep!.Message, Does.Contain("deeper than"));
        var reserved = Assert.Throws<ArgumentException>(() => db.AddVector(Vector, "a", new Dictionary<string, object?> { ["o"] = new Dictionary<string, object?> { ["$gt"] = 1 } }));
        Assert.That(reserved!.Message, Does.Contain("'$gt'"));
        Assert.That(db.Count(), Is.Zero);
        // A filter on a key holding an object matches nothing and does not throw.
        db.AddVector(Vector, "b", new Dictionary<string, object?> { ["o"] = new Dictionary<string, object?> { ["x"] = 1 } });
        Assert.That(db.SearchByVector(Vector, 5, Filter.Eq("o", 1)), Is.Empty);
        Assert.That(db.SearchByVector(Vector, 5, Filter.Exists("o")), Has.Count.EqualTo(1));
    }

    [Test]
    public void MetadataWrittenByEarlierVersionsReadsBackWithItsTypes()
    {
        // The bytes the previous writer produced: whole doubles below 1e15 as "3.0", larger ones
        // through Utf8JsonWriter (no fraction below 1e17, so they come back as the long of the same value).
        byte[] old = "{\"year\":2024,\"big\":9007199254740993,\"d\":3.0,\"f\":0.5,\"e\":1E+300,\"wide\":1234567890123456,\"tags\":[1,2.0,\"x\",null,true]}"u8.ToArray();
        IReadOnlyDictionary<string, object?> metadata = MetadataCodec.Deserialize(old);
        Assert.That(metadata["year"], Is.TypeOf<long>().And.EqualTo(2024L));
        Assert.That(metadata["big"], Is.TypeOf<long>().And.EqualTo(Beyond53Bits));
        Assert.That(metadata["d"], Is.TypeOf<double>().And.EqualTo(3.0));
        Assert.That(metadata["f"], Is.TypeOf<double>().And.EqualTo(0.5));
        Assert.That(metadata["e"], Is.TypeOf<double>().And.EqualTo(1e300));
        Assert.That(metadata["wide"], Is.TypeOf<long>().And.EqualTo(1234567890123456L), "documented: the old writer left no fraction on this double");
        var tags = (IReadOnlyList<object?>)metadata["tags"]!;
        Assert.That(tags[0], Is.TypeOf<long>());
        Assert.That(tags[1], Is.TypeOf<double>());

        // The new writer marks every double, whatever its size.
        Assert.That(System.Text.Encoding.UTF8.GetString(MetadataCodec.Serialize(new Dictionary<string, object?> { ["wide"] = 1234567890123456.0, ["z"] = -0.0 })),
            Is.EqualTo("{\"wide\":1234567890123456.0,\"z\":-0.0}"));
    }
}
