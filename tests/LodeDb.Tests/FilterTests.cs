namespace LodeDb.Tests;

/// <summary>Every operator against a brute-force evaluation over 5,000 random rows.</summary>
public sealed class FilterTests
{
    private const int Dim = 16;
    private const int Rows = 5000;
    private static readonly string[] Genres = ["drama", "comedy", "horror", "news", "sport"];

    private TestFolder _folder = null!;
    private LodeDatabase _db = null!;
    private List<(string Id, Dictionary<string, object?> Meta)> _rows = null!;
    private float[][] _queries = null!;

    [OneTimeSetUp]
    public void Build()
    {
        _folder = new TestFolder();
        _db = LodeDatabase.Open(_folder.Path, new LodeDbOptions { VectorDim = Dim });
        var random = new Random(2024);
        _rows = [];
        var vectors = new List<float[]>();
        for (int i = 0; i < Rows; i++)
        {
            var meta = new Dictionary<string, object?>();
            if (random.Next(10) != 0)
            {
                meta["year"] = random.Next(1990, 2030);
            }

            if (random.Next(8) != 0)
            {
                meta["genre"] = Genres[random.Next(Genres.Length)];
            }

            meta["score"] = Math.Round(random.NextDouble() * 10, 2);
            if (random.Next(3) == 0)
            {
                meta["flag"] = random.Next(2) == 0;
            }

            if (random.Next(4) == 0)
            {
                meta["tags"] = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Genres[random.Next(Genres.Length)]).ToArray();
            }

            if (random.Next(20) == 0)
            {
                meta["year"] = null;
            }

            _rows.Add(($"row{i}", meta));
            vectors.Add(Vectors.Random(random, Dim));
        }

        for (int start = 0; start < Rows; start += 1000)
        {
            _db.AddVectors(vectors.Skip(start).Take(1000).ToArray(), _rows.Skip(start).Take(1000).Select(r => (string?)r.Id).ToArray(),
                _rows.Skip(start).Take(1000).Select(r => (IReadOnlyDictionary<string, object?>?)r.Meta).ToArray());
        }

        // Removed rows must never come back through a filter.
        for (int i = 0; i < Rows; i += 97)
        {
            _db.Remove(_rows[i].Id);
        }

        _rows = _rows.Where((_, i) => i % 97 != 0).ToList();
        _queries = Enumerable.Range(0, 4).Select(_ => Vectors.Random(random, Dim)).ToArray();
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _db.Dispose();
        _folder.Dispose();
    }

    // Brute-force predicates written independently of Filter (the semantics documented on Filter).
    private static bool HasKey(Dictionary<string, object?> m, string k) => m.ContainsKey(k);

    private static IEnumerable<object?> Values(Dictionary<string, object?> m, string k) =>
        !m.TryGetValue(k, out object? v) ? [] : v is string[] arr ? arr : [v];

    private static double? Num(object? v) => v switch { int i => i, double d => d, _ => null };

    public static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string name, Filter builder, string json, Func<Dictionary<string, object?>, bool> expected) =>
            new TestCaseData(builder, json, expected).SetName(name);

        yield return Case("Eq number", Filter.Eq("year", 2020), """{"year": 2020}""", m => Values(m, "year").Any(v => Num(v) == 2020));
        yield return Case("Eq string", Filter.Eq("genre", "drama"), """{"genre": {"$eq": "drama"}}""", m => Values(m, "genre").Any(v => (string?)v == "drama"));
        yield return Case("Eq in array field", Filter.Eq("tags", "news"), """{"tags": "news"}""", m => Values(m, "tags").Any(v => (string?)v == "news"));
        yield return Case("Eq bool", Filter.Eq("flag", true), """{"flag": true}""", m => m.TryGetValue("flag", out var v) && v is true);
        yield return Case("Eq null matches missing", Filter.Eq("year", null), """{"year": null}""", m => !HasKey(m, "year") || m["year"] is null);
        yield return Case("Ne", Filter.Ne("genre", "drama"), """{"genre": {"$ne": "drama"}}""", m => !Values(m, "genre").Any(v => (string?)v == "drama"));
        yield return Case("Gt", Filter.Gt("year", 2015), """{"year": {"$gt": 2015}}""", m => Values(m, "year").Any(v => Num(v) > 2015));
        yield return Case("Gte double", Filter.Gte("score", 7.5), """{"score": {"$gte": 7.5}}""", m => Num(m["score"]) >= 7.5);
        yield return Case("Lt", Filter.Lt("year", 2000), """{"year": {"$lt": 2000}}""", m => Values(m, "year").Any(v => Num(v) < 2000));
        yield return Case("Lte mixed int/double", Filter.Lte("year", 2000.5), """{"year": {"$lte": 2000.5}}""", m => Values(m, "year").Any(v => Num(v) <= 2000.5));
        yield return Case("Gt string ordinal", Filter.Gt("genre", "horror"), """{"genre": {"$gt": "horror"}}""", m => Values(m, "genre").Any(v => v is string s && string.CompareOrdinal(s, "horror") > 0));
        yield return Case("In", Filter.In("genre", new[] { "news", "sport" }), """{"genre": {"$in": ["news", "sport"]}}""", m => Values(m, "genre").Any(v => v is "news" or "sport"));
        yield return Case("In array field", Filter.In("tags", new[] { "comedy" }), """{"tags": {"$in": ["comedy"]}}""", m => Values(m, "tags").Any(v => v is "comedy"));
        yield return Case("Nin", Filter.Nin("year", new[] { 2000, 2001, 2002 }), """{"year": {"$nin": [2000, 2001, 2002]}}""", m => !Values(m, "year").Any(v => Num(v) is 2000 or 2001 or 2002));
        yield return Case("Exists", Filter.Exists("flag"), """{"flag": {"$exists": true}}""", m => HasKey(m, "flag"));
        yield return Case("Exists false", Filter.Exists("genre", false), """{"genre": {"$exists": false}}""", m => !HasKey(m, "genre"));
        yield return Case("And", Filter.Gte("year", 2000) & Filter.Lt("year", 2010) & Filter.Eq("genre", "drama"),
            """{"$and": [{"year": {"$gte": 2000, "$lt": 2010}}, {"genre": "drama"}]}""",
            m => Values(m, "year").Any(v => Num(v) >= 2000) && Values(m, "year").Any(v => Num(v) < 2010) && Values(m, "genre").Any(v => v is "drama"));
        yield return Case("Implicit and", Filter.And(Filter.Eq("genre", "news"), Filter.Eq("flag", false)), """{"genre": "news", "flag": false}""",
            m => Values(m, "genre").Any(v => v is "news") && m.TryGetValue("flag", out var f) && f is false);
        yield return Case("Or", Filter.Eq("genre", "sport") | Filter.Gt("score", 9.5), """{"$or": [{"genre": "sport"}, {"score": {"$gt": 9.5}}]}""",
            m => Values(m, "genre").Any(v => v is "sport") || Num(m["score"]) > 9.5);
        yield return Case("Not", !Filter.Exists("year"), """{"$not": {"year": {"$exists": true}}}""", m => !HasKey(m, "year"));
        yield return Case("Field not", Filter.Not(Filter.Gt("score", 5)), """{"score": {"$not": {"$gt": 5}}}""", m => !(Num(m["score"]) > 5));
        yield return Case("Nested", (Filter.Eq("flag", true) | Filter.In("tags", new[] { "horror" })) & !Filter.Eq("genre", "horror"),
            """{"$and": [{"$or": [{"flag": true}, {"tags": {"$in": ["horror"]}}]}, {"$not": {"genre": "horror"}}]}""",
            m => ((m.TryGetValue("flag", out var f) && f is true) || Values(m, "tags").Any(v => v is "horror")) && !Values(m, "genre").Any(v => v is "horror"));
        yield return Case("Matches nothing", Filter.Gt("year", 3000), """{"year": {"$gt": 3000}}""", _ => false);
    }

    [TestCaseSource(nameof(Cases))]
    public void OperatorAgreesWithBruteForce(Filter builder, string json, Func<Dictionary<string, object?>, bool> expected)
    {
        string[] expectedIds = _rows.Where(r => expected(r.Meta)).Select(r => r.Id).ToArray();
        var allowed = expectedIds.ToHashSet();
        foreach (Filter filter in new[] { builder, Filter.Parse(json) })
        {
            Assert.That(_db.Count(filter), Is.EqualTo(expectedIds.Length), "Count");
            Assert.That(_db.List(filter, take: Rows).Select(r => r.Id), Is.EqualTo(expectedIds), "List");
            foreach (int k in new[] { 1, 10, expectedIds.Length + 5 })
            {
                var results = _db.SearchManyByVector(_queries, k, filter);
                foreach (var hits in results)
                {
                    Assert.That(hits, Has.Count.EqualTo(Math.Min(k, expectedIds.Length)), "k results from the allowed set, or fewer, never padding");
                    Assert.That(hits.Select(h => h.Id), Is.Unique.And.All.Matches<string>(allowed.Contains));
                    Assert.That(hits.Select(h => h.Score), Is.Ordered.Descending);
                }
            }
        }
    }

    [Test]
    public void TheFilteredTopHitIsTheBestAllowedRow()
    {
        Filter filter = Filter.Eq("genre", "comedy");
        var allowed = _rows.Where(r => Values(r.Meta, "genre").Any(v => v is "comedy")).Select(r => r.Id).ToHashSet();
        var unfiltered = _db.SearchByVector(_queries[0], Rows);
        var best = unfiltered.First(h => allowed.Contains(h.Id));
        Assert.That(_db.SearchByVector(_queries[0], 1, filter)[0].Id, Is.EqualTo(best.Id));
    }

    [TestCase("""{"year": {"$regex": "x"}}""", "$regex")]
    [TestCase("""{"$nor": [{"a": 1}]}""", "$nor")]
    [TestCase("""{"year": {"$in": 5}}""", "array")]
    [TestCase("""{"year": {"$exists": 1}}""", "true or false")]
    [TestCase("""{"year": [1, 2]}""", "$in")]
    [TestCase("""{"year": {"$gt": true}}""", "number or a string")]
    [TestCase("""{"$and": []}""", "non-empty array")]
    [TestCase("""[1]""", "JSON object")]
    [TestCase("""{}""", "empty")]
    [TestCase("""{"year": """, "not valid JSON")]
    public void BadFilterDocumentsSayWhatIsWrong(string json, string expected)
    {
        var ex = Assert.Throws<InvalidFilterException>(() => Filter.Parse(json));
        Assert.That(ex!.Message, Does.Contain(expected));
        if (json.Contains("$regex") || json.Contains("$nor"))
        {
            Assert.That(ex.Message, Does.Contain("Supported operators"));
        }
    }

    [Test]
    public void BuilderRejectsNonScalarOperands()
    {
        Assert.Throws<InvalidFilterException>(() => Filter.Eq("a", new[] { 1, 2 }));
        Assert.Throws<InvalidFilterException>(() => Filter.Gt("a", true));
        Assert.Throws<InvalidFilterException>(() => Filter.Eq("$a", 1));
        Assert.Throws<InvalidFilterException>(() => Filter.And());
    }
}
