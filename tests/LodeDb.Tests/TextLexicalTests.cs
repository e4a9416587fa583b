namespace LodeDb.Tests;

/// <summary>BM25 and hybrid search over chunks: identifiers, stale postings, captions, compaction.</summary>
public sealed class TextLexicalTests
{
    private static readonly (string Id, string Text)[] Body =
    [
        ("e1234", "Error E1234 stops the server when the code runs."),
        ("e1235", "Error E1235 stops the server when the code runs twice."),
        ("abc", "Part ABC-123 fits the car engine in the garage."),
        ("abd", "Part ABD-124 fits the truck motor in the garage."),
        ("date", "The concert on 2024-01-15 has a band and a guitar."),
        ("date2", "The concert on 2024-02-16 has a band and a piano."),
        ("dog", "The puppy barks at the vet."),
        ("food", "Pizza recipes for dinner and lunch."),
        ("money", "The bank loan has a price and a cost."),
        ("rain", "The storm brings rain and snow."),
        // Decoys: near-identical identifiers with little else, so the model (which sees only
        // word pieces of an identifier) places them closer to an identifier query than the
        // document that holds the exact identifier.
        ("e-decoy", "Error E1243."),
        ("abc-decoy", "Part ABC-132."),
        ("date-decoy", "On 2024-05-11."),
    ];

    private static LodeDatabase Open(TestFolder folder, bool? storeText = null, bool? indexText = null)
    {
        var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText, indexText));
        db.AddMany(Body.Select(b => b.Text).ToArray(), Body.Select(b => (string?)b.Id).ToArray());
        return db;
    }

    [TestCase("E1234", "e1234")]
    [TestCase("ABC-123", "abc")]
    [TestCase("2024-01-15", "date")]
    public void IdentifiersAreFoundByLexicalAndHybridWhereTheVectorRankingMissesThem(string query, string expected)
    {
        using var folder = new TestFolder();
        using var db = Open(folder);
        Assert.That(db.Search(query, 1, SearchMode.Vector)[0].Id, Is.Not.EqualTo(expected), "the vector ranking alone misses it");
        IReadOnlyList<SearchHit> lexical = db.Search(query, 3, SearchMode.Lexical);
        Assert.That(lexical.Select(h => h.Id), Is.EqualTo(new[] { expected }), "only the exact identifier matches");
        Assert.That(db.Search(query, 1, SearchMode.Hybrid)[0].Id, Is.EqualTo(expected));
    }

    [Test]
    public void IdentifiersAreFoundWithPersistedTermsOnly()
    {
        using var folder = new TestFolder();
        using (Open(folder, storeText: false, indexText: true))
        {
        }

        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(db.Search("ABC-123", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("abc"));
        Assert.That(db.Search("2024-01-15", 1, SearchMode.Hybrid)[0].Id, Is.EqualTo("date"));
    }

    [TestCase("E1234 server")]
    [TestCase("garage concert")]
    public void HybridIsReciprocalRankFusionOfTheDocumentRankings(string query)
    {
        using var folder = new TestFolder();
        using var db = Open(folder);
        List<string> vector = db.Search(query, Body.Length, SearchMode.Vector).Select(h => h.Id).ToList();
        List<string> lexical = db.Search(query, Body.Length, SearchMode.Lexical).Select(h => h.Id).ToList();
        Assert.That(lexical, Has.Count.GreaterThan(1).And.Count.LessThan(Body.Length));
        static double Rrf(List<string> ranking, string id) => ranking.IndexOf(id) is int i and >= 0 ? 1.0 / (60 + i + 1) : 0;
        IReadOnlyList<SearchHit> hybrid = db.Search(query, Body.Length, SearchMode.Hybrid);
        Assert.That(hybrid, Has.Count.EqualTo(Body.Length));
        foreach (SearchHit hit in hybrid)
        {
            Assert.That(hit.Score, Is.EqualTo((float)(Rrf(vector, hit.Id) + Rrf(lexical, hit.Id))).Within(1e-6), hit.Id);
        }

        Assert.That(hybrid.Select(h => h.Score), Is.Ordered.Descending);
    }

    [Test]
    public void ReplacingATextDocumentWithAVectorClearsItsPostingsLiveAndAfterReopen([Values] bool storeText)
    {
        using var folder = new TestFolder();
        float[] vector = TextFixture.Embedder.Value.Embed(["dog food"])[0];
        using (var db = Open(folder, storeText, indexText: true))
        {
            Assert.That(db.Search("E1234", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "e1234" }));
            db.AddVector(vector, "e1234");
            Assert.That(db.Search("E1234", 3, SearchMode.Lexical), Is.Empty, "live");
            Assert.That(db.Search("server", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "e1235" }));
            using TestFolder crashed = folder.CrashCopy();
            using var replayed = LodeDatabase.Open(crashed.Path, TextFixture.Options());
            Assert.That(replayed.Search("E1234", 3, SearchMode.Lexical), Is.Empty, "after a WAL replay");
            Assert.That(replayed.Search("server", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "e1235" }));
        }

        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(reopened.Search("E1234", 3, SearchMode.Lexical), Is.Empty, "after a checkpoint");
        Assert.That(reopened.Search("server", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "e1235" }));
        Assert.That(reopened.Search("dog food", 1)[0].Id, Is.EqualTo("e1234"), "the vector row is there");
    }

    [Test]
    public void ReplacingATextWithAnotherTextClearsStalePostingsLiveAndAfterReopen()
    {
        using var folder = new TestFolder();
        using (var db = Open(folder))
        {
            db.Add("The storm brings wind.", "abc");
            Assert.That(db.Search("ABC-123", 3, SearchMode.Lexical), Is.Empty);
            Assert.That(db.Search("wind", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "abc" }));
        }

        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(reopened.Search("ABC-123", 3, SearchMode.Lexical), Is.Empty);
        Assert.That(reopened.Search("wind", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "abc" }));
    }

    [Test]
    public void VectorCaptionsAreLexicallySearchableAndSurviveReopen([Values] bool storeText)
    {
        using var folder = new TestFolder();
        float[][] vectors = TextFixture.Embedder.Value.Embed(["car", "dog"]);
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText, indexText: true)))
        {
            db.AddVectors(vectors, ["img-car", "img-dog"], texts: ["Photo ZX-99 of a red car", null]);
            Assert.That(db.Search("zx-99", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "img-car" }));
            if (storeText)
            {
                Assert.That(db.GetTexts(["img-car", "img-dog"]), Is.EqualTo(new[] { "Photo ZX-99 of a red car", null }), "captions come back when stored");
            }
        }

        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(reopened.Search("ZX-99", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "img-car" }));
        Assert.That(reopened.Search("ZX-99 puppy", 2, SearchMode.Hybrid).Select(h => h.Id), Is.EquivalentTo(new[] { "img-car", "img-dog" }));
        if (!storeText)
        {
            Assert.That(TextFixture.FilesContaining(folder.Path, "Photo ZX-99 of a red car"), Is.Empty);
        }
    }

    [Test]
    public void CaptionsWorkOnAVectorOnlyIndex()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }))
        {
            db.AddVector([1, 0, 0, 0], "a", text: "Invoice ABC-123");
            db.AddVector([0, 1, 0, 0], "b", text: "Invoice ABC-124");
            Assert.That(db.Search("abc-123", 5, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "a" }));
            db.AddVector([1, 0, 0, 0], "a");
            Assert.That(db.Search("abc-123", 5, SearchMode.Lexical), Is.Empty);
            Assert.That(db.GetText("b"), Is.EqualTo("Invoice ABC-124"));
            Assert.Throws<InvalidOperationException>(() => db.Search("abc", 5, SearchMode.Hybrid), "hybrid needs an embedder for the query");
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Search("abc-124", 5, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "b" }));
        Assert.That(reopened.Search("abc-123", 5, SearchMode.Lexical), Is.Empty);
    }

    [Test]
    public void LexicalSearchSurvivesACompactingCheckpoint([Values] bool storeText)
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText, indexText: true, maxChunkChars: 30)))
        {
            db.AddMany(Body.Select(b => b.Text).ToArray(), Body.Select(b => (string?)b.Id).ToArray());
            foreach (string id in new[] { "e1235", "abd", "date2", "dog", "food", "money" })
            {
                db.Remove(id);
            }

            long slots = db.Stats().SlotCount;
            db.Persist();
            Assert.That(db.Stats().SlotCount, Is.LessThan(slots), "the checkpoint compacted the slots");
            AssertSurvivors(db);
        }

        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options());
        AssertSurvivors(reopened);

        static void AssertSurvivors(LodeDatabase db)
        {
            Assert.That(db.Search("E1234", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "e1234" }));
            Assert.That(db.Search("garage", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "abc" }));
            Assert.That(db.Search("2024-01-15 concert", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "date" }));
            Assert.That(db.Search("puppy pizza", 3, SearchMode.Lexical), Is.Empty);
            Assert.That(db.Count(), Is.EqualTo(Body.Length - 6));
        }
    }
}
