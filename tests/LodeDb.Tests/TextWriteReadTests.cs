namespace LodeDb.Tests;

/// <summary>Text documents through the fixture model: add, upsert, search per document, get.</summary>
public sealed class TextWriteReadTests
{
    private static readonly string[] Corpus =
    [
        "car mechanic",
        "dog food",
        "My doctor works at the hospital",
        "Pizza recipes for dinner",
        "The storm brings rain and snow",
    ];

    private static readonly string[] Ids = ["car", "dog", "doctor", "pizza", "storm"];

    private static LodeDatabase OpenWithCorpus(TestFolder folder, LodeDbOptions? options = null)
    {
        var db = LodeDatabase.Open(folder.Path, options ?? TextFixture.Options());
        db.AddMany(Corpus, Ids, Ids.Select(id => (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["kind"] = id == "car" ? "vehicle" : "other" }).ToArray());
        return db;
    }

    [Test]
    public void ASemanticQueryFindsTheSynonymDocumentThatLexicalSearchMisses()
    {
        using var folder = new TestFolder();
        using var db = OpenWithCorpus(folder);
        IReadOnlyList<SearchHit> vector = db.Search("automobile repair", 3);
        Assert.That(vector[0].Id, Is.EqualTo("car"));
        Assert.That(vector[0].Score, Is.GreaterThan(vector[1].Score));
        Assert.That(vector[0].Text, Is.EqualTo("car mechanic"));
        Assert.That(db.Search("automobile repair", 3, SearchMode.Lexical), Is.Empty, "no shared token");
        Assert.That(db.Search("automobile repair", 3, SearchMode.Hybrid)[0].Id, Is.EqualTo("car"));
    }

    [Test]
    public void AddReturnsGeneratedIdsAndGetReturnsMetadataAndText()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        string id = db.Add("The puppy barks at the vet.", metadata: new Dictionary<string, object?> { ["year"] = 2024 });
        Assert.That(id, Has.Length.EqualTo(32));
        Assert.That(db.Get(id)!.Metadata["year"], Is.EqualTo(2024L));
        Assert.That(db.GetText(id), Is.EqualTo("The puppy barks at the vet."));
        Assert.That(db.GetText("missing"), Is.Null);
        Assert.That(db.GetTexts([id, "missing"]), Is.EqualTo(new[] { "The puppy barks at the vet.", null }));
    }

    [Test]
    public void AddManyIsOneCommitAndEmbedsInOneBatch()
    {
        using var folder = new TestFolder();
        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = "m" });
        long records = db.Stats().WalRecords;
        int calls = embedder.Calls;
        db.AddMany(Corpus, Ids);
        Assert.That(db.Stats().WalRecords, Is.EqualTo(records + 1), "one atomic record");
        Assert.That(embedder.Calls, Is.EqualTo(calls + 1), "one batched embedder call");
        Assert.That(db.Count(), Is.EqualTo(5));
    }

    [Test]
    public void ABadPayloadCostsNoModelCallAndStoresNothing()
    {
        using var folder = new TestFolder();
        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = "m" });
        int calls = embedder.Calls;
        Assert.Throws<ArgumentException>(() => db.AddMany(["car mechanic", "dog food"], ["a", "b"],
            [null, new Dictionary<string, object?> { ["bad"] = new object() }]));
        Assert.Throws<ArgumentException>(() => db.AddMany(["car mechanic", "  "]));
        Assert.Throws<ArgumentException>(() => db.AddMany(["car mechanic", "dog food"], ["same", "same"]));
        Assert.Throws<ArgumentException>(() => db.Add("car mechanic", new string('x', LodeDatabase.MaxIdLength + 1)));
        Assert.Throws<ArgumentException>(() => db.Add("car mechanic", metadata: new Dictionary<string, object?> { ["$reserved"] = 1 }));
        Assert.That(embedder.Calls, Is.EqualTo(calls), "validation comes before any embedding");
        Assert.That(db.Count(), Is.EqualTo(0));
    }

    [Test]
    public void QueriesAreEmbeddedAsQueriesAndDocumentsAsDocuments()
    {
        using var folder = new TestFolder();
        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = "m" });
        db.Add("car mechanic");
        db.Search("automobile");
        Assert.That(embedder.OptionsSeen[^2]?.AdditionalProperties?.ContainsKey("lodedb.purpose") ?? false, Is.False);
        Assert.That(embedder.OptionsSeen[^1]!.AdditionalProperties!["lodedb.purpose"], Is.EqualTo("query"));
    }

    [Test]
    public void UpsertReplacesEveryChunkOfTheDocument()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: 40));
        db.Add("The dog barks at the vet. The puppy eats dog food. The hound sleeps in the kennel.", "doc");
        db.Add("car mechanic", "other");
        Assert.That(db.Stats().SlotCount, Is.GreaterThanOrEqualTo(4));
        db.Add("Pizza recipes for dinner", "doc");
        Assert.That(db.Count(), Is.EqualTo(2));
        Assert.That(db.GetText("doc"), Is.EqualTo("Pizza recipes for dinner"));
        Assert.That(db.Search("kennel", 5, SearchMode.Lexical), Is.Empty, "old chunks' postings are gone");
        Assert.That(db.Search("puppy", 5).Select(h => h.Id), Is.EquivalentTo(new[] { "doc", "other" }), "each document once");
        Assert.That(db.Search("pizza", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("doc"));
        // And back to a longer document again.
        db.Add("The dog barks at the vet. The puppy eats dog food. The hound sleeps in the kennel.", "doc");
        Assert.That(db.Search("kennel", 5, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "doc" }));
        Assert.That(db.Search("pizza", 5, SearchMode.Lexical), Is.Empty);
        Assert.That(db.GetText("doc"), Does.EndWith("kennel."));
    }

    [Test]
    public void ResultsArePerDocumentAtTheirBestChunk()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: 30));
        db.Add("The car engine. The truck motor. The auto garage. The vehicle brake. The car tire.", "cars");
        db.Add("The dog barks. The puppy plays.", "dogs");
        db.Add("The doctor and the nurse.", "med");
        foreach (SearchMode mode in new[] { SearchMode.Vector, SearchMode.Hybrid })
        {
            IReadOnlyList<SearchHit> hits = db.Search("car engine", 3, mode);
            Assert.That(hits.Select(h => h.Id), Is.Unique, mode.ToString());
            Assert.That(hits, Has.Count.EqualTo(3), mode.ToString());
            Assert.That(hits[0].Id, Is.EqualTo("cars"), mode.ToString());
        }

        Assert.That(db.Search("car engine", 1, SearchMode.Lexical)[0], Has.Property("Id").EqualTo("cars").And.Property("Chunk").EqualTo(0));
        Assert.That(db.Search("tire", 1, SearchMode.Lexical)[0].Chunk, Is.GreaterThan(0));
    }

    [Test]
    public void SearchManyMatchesSearch()
    {
        using var folder = new TestFolder();
        using var db = OpenWithCorpus(folder);
        string[] queries = ["automobile repair", "puppy", "physician clinic"];
        foreach (SearchMode mode in Enum.GetValues<SearchMode>())
        {
            IReadOnlyList<IReadOnlyList<SearchHit>> many = db.SearchMany(queries, 3, mode);
            for (int i = 0; i < queries.Length; i++)
            {
                Assert.That(many[i].Select(h => (h.Id, h.Score)), Is.EqualTo(db.Search(queries[i], 3, mode).Select(h => (h.Id, h.Score))), $"{mode} {queries[i]}");
            }
        }
    }

    [Test]
    public void AFilterConstrainsEveryMode()
    {
        using var folder = new TestFolder();
        using var db = OpenWithCorpus(folder);
        Filter other = Filter.Eq("kind", "other");
        foreach (SearchMode mode in Enum.GetValues<SearchMode>())
        {
            IReadOnlyList<SearchHit> hits = db.Search("car mechanic", 10, mode, other);
            Assert.That(hits.Select(h => h.Id), Has.None.EqualTo("car"), mode.ToString());
        }

        Assert.That(db.Search("car mechanic", 10, SearchMode.Lexical, Filter.Eq("kind", "vehicle")).Select(h => h.Id), Is.EqualTo(new[] { "car" }));
        Assert.That(db.Search("automobile", 10, SearchMode.Vector, other), Has.Count.EqualTo(4), "k from the allowed set, never padded");
        Assert.That(db.Count(other), Is.EqualTo(4));
        Assert.That(db.List(other).Select(r => r.Id), Is.EqualTo(new[] { "dog", "doctor", "pizza", "storm" }));
    }

    [Test]
    public void RemoveDropsTheDocumentFromEveryRanker()
    {
        using var folder = new TestFolder();
        using var db = OpenWithCorpus(folder);
        Assert.That(db.Remove("car"), Is.True);
        Assert.That(db.Search("car mechanic", 5, SearchMode.Lexical), Is.Empty);
        Assert.That(db.Search("automobile repair", 5).Select(h => h.Id), Has.None.EqualTo("car"));
        Assert.That(db.GetText("car"), Is.Null);
        Assert.That(db.Remove("car"), Is.False);
    }

    [Test]
    public void TextSurvivesACheckpointAndAReopenInBothCommitModes([Values] CommitMode mode)
    {
        using var folder = new TestFolder();
        using (var db = OpenWithCorpus(folder, TextFixture.Options(mode: mode)))
        {
            db.Add("A long text about the car engine. " + new string('a', 20) + " and the truck motor in the garage.", "long");
        }

        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(reopened.Search("automobile repair", 1)[0].Id, Is.EqualTo("car"));
        Assert.That(reopened.Search("garage", 5, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "long" }));
        Assert.That(reopened.GetText("doctor"), Is.EqualTo("My doctor works at the hospital"));
    }

    [Test]
    public async Task AsyncCallsMatchTheSyncOnes()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        await db.AddManyAsync(Corpus, Ids);
        string id = await db.AddAsync("The puppy barks at the vet.", "vet");
        Assert.That(id, Is.EqualTo("vet"));
        foreach (SearchMode mode in Enum.GetValues<SearchMode>())
        {
            IReadOnlyList<SearchHit> viaAsync = await db.SearchAsync("automobile repair puppy", 4, mode);
            Assert.That(viaAsync.Select(h => (h.Id, h.Score)), Is.EqualTo(db.Search("automobile repair puppy", 4, mode).Select(h => (h.Id, h.Score))), mode.ToString());
        }

        IReadOnlyList<IReadOnlyList<SearchHit>> many = await db.SearchManyAsync(["dog", "physician"], 1);
        Assert.That(many.Select(hits => hits[0].Id), Is.EqualTo(new[] { "dog", "doctor" }));
    }

    [Test]
    public void StatsCountEmbedderUseSplitByIngestAndQuery()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: 20));
        db.AddMany(["car mechanic", "The dog barks at the vet. The puppy eats."], ["a", "b"]);
        Assert.Throws<ArgumentException>(() => db.Add(" "));
        db.Search("automobile");
        db.SearchMany(["dog", "cat"]);
        db.Search("dog", mode: SearchMode.Lexical);
        LodeStats stats = db.Stats();
        Assert.That(stats.IngestEmbeddings, Has.Property("Calls").EqualTo(1).And.Property("Texts").EqualTo(3).And.Property("Failures").EqualTo(0));
        Assert.That(stats.QueryEmbeddings, Has.Property("Calls").EqualTo(2).And.Property("Texts").EqualTo(3).And.Property("Failures").EqualTo(0));
        Assert.That(stats.IngestEmbeddings.Time, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(stats.Count, Is.EqualTo(2));
        Assert.That(stats.SlotCount, Is.EqualTo(3));
    }
}
