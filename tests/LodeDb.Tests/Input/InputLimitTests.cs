using System.Text;
using System.Text.Json;

namespace LodeDb.Tests.Input;

/// <summary>
/// The smaller input defects of issue 10: filter depth, empty $in / $nin, an overflowing lock
/// timeout, denormal vectors, and huge k; each a typed error (or a correct answer), never a crash.
/// </summary>
[NonParallelizable] // sets process environment variables
public sealed class InputLimitTests
{
    private const int Dim = 4;

    private static Filter NestedNot(int levels)
    {
        Filter filter = Filter.Eq("a", 1);
        for (int i = 1; i < levels; i++)
        {
            filter = Filter.Not(filter);
        }

        return filter;
    }

    private static string NestedNotJson(int levels)
    {
        var json = new StringBuilder("{\"a\": 1}");
        for (int i = 1; i < levels; i++)
        {
            json.Insert(0, "{\"$not\": ").Append('}');
        }

        return json.ToString();
    }

    [Test]
    public void FiltersDeeperThanTheLimitAreRefusedBuiltOrParsed()
    {
        var row = new Dictionary<string, object?> { ["a"] = 1L };
        Assert.That(NestedNot(Filter.MaxDepth).Matches(row), Is.False, "32 levels: 31 $not over a match");
        Assert.That(Filter.Parse(NestedNotJson(Filter.MaxDepth)).Matches(row), Is.False);
        Assert.That(NestedNot(Filter.MaxDepth - 1).Matches(row), Is.True);

        Assert.That(Assert.Throws<InvalidFilterException>(() => NestedNot(Filter.MaxDepth + 1))!.Message, Does.Contain("at most 32"));
        Assert.That(Assert.Throws<InvalidFilterException>(() => Filter.Parse(NestedNotJson(Filter.MaxDepth + 1)))!.Message, Does.Contain("more than 32"));

        // Far deeper than any stack allows if it were recursed: refused at level 33, no stack overflow.
        Assert.Throws<InvalidFilterException>(() => NestedNot(100_000));
        using JsonDocument deep = JsonDocument.Parse(NestedNotJson(5_000), new JsonDocumentOptions { MaxDepth = 10_000 });
        Assert.Throws<InvalidFilterException>(() => Filter.Parse(deep.RootElement));
        Assert.Throws<InvalidFilterException>(() => Filter.Parse(NestedNotJson(5_000)));

        // $and and $or alternating: each is a level.
        Filter alternating = Filter.Eq("a", 1);
        Assert.Throws<InvalidFilterException>(() =>
        {
            for (int i = 0; i < 40; i++)
            {
                alternating = i % 2 == 0 ? Filter.And(alternating, Filter.Exists("a")) : Filter.Or(alternating, Filter.Exists("b"));
            }
        });
    }

    [Test]
    public void ChainsOfAndOrOrStayOneLevelDeep()
    {
        // `filter &= ...` in a loop is the common way to build a filter: it must not hit the depth limit.
        Filter all = Filter.Exists("a");
        Filter any = Filter.Eq("a", -1);
        for (int i = 0; i < 1_000; i++)
        {
            all &= Filter.Ne("a", i + 10);
            any |= Filter.Eq("a", i);
        }

        var row = new Dictionary<string, object?> { ["a"] = 5L };
        Assert.That(all.Matches(row), Is.True);
        Assert.That(any.Matches(row), Is.True);
        Assert.That(all.Depth, Is.EqualTo(2));
        Assert.That(any.Depth, Is.EqualTo(2));
    }

    [TestCase("{\"a\": {\"$in\": []}}")]
    [TestCase("{\"a\": {\"$nin\": []}}")]
    public void EmptyInAndNinAreRefused(string json)
    {
        var ex = Assert.Throws<InvalidFilterException>(() => Filter.Parse(json));
        Assert.That(ex!.Message, Does.Contain("empty list").And.Contain("'a'"));
    }

    [Test]
    public void EmptyInAndNinBuiltInCodeAreRefused()
    {
        Assert.Throws<InvalidFilterException>(() => Filter.In("a", Array.Empty<object>()));
        Assert.Throws<InvalidFilterException>(() => Filter.Nin("a", new List<long>()));
    }

    [TestCase("1e308")]
    [TestCase("1e10")]
    public void AnOverflowingLockTimeoutIsAnArgumentException(string value)
    {
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }).Dispose();
        try
        {
            Environment.SetEnvironmentVariable("LODEDB_PERSIST_LOCK_TIMEOUT", value);
            var ex = Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path));
            Assert.That(ex!.Message, Does.Contain("LODEDB_PERSIST_LOCK_TIMEOUT").And.Contain(value));
            Assert.That(LodeDatabase.Doctor().Find("lock-timeout")!.Status, Is.EqualTo(Diagnostics.DoctorStatus.Failed));

            Environment.SetEnvironmentVariable("LODEDB_PERSIST_LOCK_TIMEOUT", "1e9");
            LodeDatabase.Open(folder.Path).Dispose();
        }
        finally
        {
            Environment.SetEnvironmentVariable("LODEDB_PERSIST_LOCK_TIMEOUT", null);
        }
    }

    [Test]
    public void ADenormalVectorIsRefusedAsSuchNotAsInfinity()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        var ex = Assert.Throws<ArgumentException>(() => db.AddVector([1e-44f, 1e-44f, 1e-44f, 1e-44f], "tiny"));
        Assert.That(ex!.Message, Does.Contain("Vector 0").And.Contain("denormal").And.Not.Contain("Inf"));
        Assert.Throws<ArgumentException>(() => db.AddVectors([[1, 0, 0, 0], [0, float.Epsilon, 0, 0]]));
        Assert.Throws<ArgumentException>(() => db.SearchByVector([1e-44f, 0, 0, 0]));
        Assert.That(db.Count(), Is.Zero);

        // Small but normal vectors, and the largest floats, still have a direction.
        db.AddVector([1e-30f, 1e-30f, 0, 0], "small");
        db.AddVector([float.MaxValue, float.MaxValue, 0, 0], "large");
        IReadOnlyList<SearchHit> hits = db.SearchByVector([1, 1, 0, 0], 2);
        Assert.That(hits.Select(h => h.Score), Has.All.GreaterThan(0.95f));
    }

    [Test]
    public void TheLargestKReturnsEveryDocumentOfAChunkedTextIndex()
    {
        // k * 2 + 8 (the chunk over-fetch) overflowed int and returned nothing.
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: LodeDatabase.MinChunkChars));
        db.AddMany(["The mechanic fixed the car engine today.", "My dog loves the new puppy food a lot."], ["car", "dog"]);
        Assert.That(db.Stats().SlotCount, Is.GreaterThan(2), "the documents are chunked");

        foreach (SearchMode mode in new[] { SearchMode.Vector, SearchMode.Lexical, SearchMode.Hybrid })
        {
            IReadOnlyList<SearchHit> hits = db.Search("car engine", int.MaxValue, mode);
            Assert.That(hits.Select(h => h.Id), mode == SearchMode.Lexical ? Is.EqualTo(new[] { "car" }) : Is.EquivalentTo(new[] { "car", "dog" }), mode.ToString());
        }
    }
}
