namespace LodeDb.Tests;

/// <summary>
/// StoreText = false: no raw text anywhere in the folder (WAL, journal, generations), replay
/// without re-embedding, lexical search from persisted terms (IndexText).
/// </summary>
public sealed class TextPrivacyTests
{
    private static readonly string[] Secrets =
    [
        "The patient file E1234 was sent to the hospital.",
        "Invoice ABC-123 covers the bank loan and its price.",
        "Our dinner reservation on 2024-01-15 is for pizza.",
        "car mechanic with a garage full of engines",
        "The puppy barks at the vet while the dog sleeps.",
    ];

    private static readonly string[] Ids = ["med", "money", "food", "car", "dog"];

    private static void Write(LodeDatabase db)
    {
        db.AddMany(Secrets.Take(3).ToArray(), Ids.Take(3).ToArray());
        db.Add(Secrets[3], Ids[3], new Dictionary<string, object?> { ["topic"] = "vehicle" });
        db.Add("A placeholder document about the weather and the storm.", Ids[4]);
        db.Add(Secrets[4], Ids[4]); // replaced: the placeholder's text must be gone too
        db.Add("A removed document about football and the soccer team.", "gone");
        db.Remove("gone");
    }

    private static readonly string[] AllRawTexts =
    [
        .. Secrets,
        "A placeholder document about the weather and the storm.",
        "A removed document about football and the soccer team.",
    ];

    private static List<(string Id, float Score)> Ranking(LodeDatabase db, string query, SearchMode mode) =>
        db.Search(query, 5, mode).Select(h => (h.Id, h.Score)).ToList();

    private static void AssertNoRawText(string folder)
    {
        foreach (string text in AllRawTexts)
        {
            Assert.That(TextFixture.FilesContaining(folder, text), Is.Empty, $"raw text on disk: {text}");
        }
    }

    [Test]
    public void AfterACrashReplayTheRankingIsTheSameLexicalStillWorksAndNoRawTextIsOnDisk([Values] CommitMode mode)
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false, indexText: true, mode: mode));
        Write(db);
        Assert.That(db.Stats().WalRecords, Is.GreaterThan(0), "the writes are in the log/journal, not yet checkpointed");
        var before = new Dictionary<(string, SearchMode), List<(string, float)>>();
        string[] queries = ["automobile repair", "E1234", "ABC-123", "2024-01-15", "puppy"];
        foreach (string query in queries)
        {
            foreach (SearchMode searchMode in Enum.GetValues<SearchMode>())
            {
                before[(query, searchMode)] = Ranking(db, query, searchMode);
            }
        }

        // The crash: the folder as the live writer left it, before any checkpoint.
        using TestFolder crashed = folder.CrashCopy();
        AssertNoRawText(crashed.Path);

        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        using (var reopened = LodeDatabase.Open(crashed.Path, new LodeDbOptions { Embedder = embedder, ModelName = TextFixture.ModelName }))
        {
            Assert.That(embedder.Calls, Is.EqualTo(0), "replay never re-embeds");
            Assert.That(reopened.StoresText, Is.False, "StoreText is re-applied from the identity");
            Assert.That(reopened.Count(), Is.EqualTo(5));
            foreach (((string query, SearchMode searchMode), List<(string, float)> expected) in before)
            {
                Assert.That(Ranking(reopened, query, searchMode), Is.EqualTo(expected), $"{searchMode} '{query}'");
            }

            Assert.That(reopened.Search("E1234", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("med"));
            Assert.That(reopened.Search("ABC-123", 1, SearchMode.Hybrid)[0].Id, Is.EqualTo("money"));
            Assert.That(reopened.Search("2024-01-15", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("food"));
            Assert.That(reopened.Search("weather storm", 5, SearchMode.Lexical), Is.Empty, "the replaced text's terms are gone");
            Assert.That(reopened.Search("soccer", 5, SearchMode.Lexical), Is.Empty, "the removed text's terms are gone");
            Assert.That(reopened.Search("E1234", 5, SearchMode.Lexical, Filter.Eq("topic", "vehicle")), Is.Empty);
            Assert.That(reopened.Search("hit", 1, SearchMode.Vector)[0].Text, Is.Null);
        }

        // A checkpointed generation (rows file, snapshot) holds no raw text either, and still serves lexical search.
        AssertNoRawText(crashed.Path);
        db.Dispose();
        AssertNoRawText(folder.Path);
        using var afterCheckpoint = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(afterCheckpoint.Search("E1234", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("med"));
        Assert.That(Ranking(afterCheckpoint, "automobile repair", SearchMode.Vector), Is.EqualTo(before[("automobile repair", SearchMode.Vector)]));
    }

    [Test]
    public void WithoutIndexTextNothingButCodesAndMetadataIsKept()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false));
        Assert.That(db.HasLexicalIndex, Is.False, "IndexText defaults to StoreText");
        Write(db);
        List<(string, float)> before = Ranking(db, "automobile repair", SearchMode.Vector);
        using TestFolder crashed = folder.CrashCopy();
        AssertNoRawText(crashed.Path);
        foreach (string term in new[] { "E1234", "e1234", "abc-123", "2024-01-15", "mechanic" })
        {
            Assert.That(TextFixture.FilesContaining(crashed.Path, term), Is.Empty, $"no terms either: {term}");
        }

        using var reopened = LodeDatabase.Open(crashed.Path, TextFixture.Options());
        Assert.That(Ranking(reopened, "automobile repair", SearchMode.Vector), Is.EqualTo(before));
        foreach (SearchMode mode in new[] { SearchMode.Lexical, SearchMode.Hybrid })
        {
            var error = Assert.Throws<InvalidOperationException>(() => reopened.Search("E1234", 3, mode))!;
            Assert.That(error.Message, Does.Contain("StoreText = false and IndexText = false"));
        }

        Assert.Throws<ArgumentException>(() => reopened.AddVector(TextFixture.Embedder.Value.Embed(["car"])[0], "v", text: "a caption"), "a caption could be neither stored nor searched");
    }

    [Test]
    public void PersistedTermsDoNotKeepTheWordOrderOfTheText([Values] CommitMode mode)
    {
        // Terms were written in first-occurrence order, so the WAL/journal and the rows file
        // spelled out the text word by word; a bag of terms is all BM25 needs.
        string[] words = ["zulu", "yankee", "xray", "whiskey", "victor", "uniform", "tango"];
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false, indexText: true, mode: mode));
        db.Add("Zulu yankee, xray whiskey victor uniform tango.", "s");
        AssertTermsSorted(folder.CrashCopy(), words);
        db.Persist();
        AssertTermsSorted(folder.CrashCopy(), words);
        Assert.That(db.Search("whiskey", 1, SearchMode.Lexical).Single().Id, Is.EqualTo("s"));
    }

    private static void AssertTermsSorted(TestFolder copy, string[] words)
    {
        using (copy)
        {
            int filesWithTerms = 0;
            foreach (string file in Directory.GetFiles(copy.Path))
            {
                byte[] data = File.ReadAllBytes(file);
                int[] at = words.Select(w => data.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(w))).ToArray();
                if (at.All(a => a >= 0))
                {
                    filesWithTerms++;
                    Assert.That(at, Is.Ordered.Descending, $"{Path.GetFileName(file)} holds the terms sorted, not in the text's order");
                }
            }

            Assert.That(filesWithTerms, Is.GreaterThan(0));
        }
    }

    [Test]
    public void GetTextThrowsWhenTextIsNotStored()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false, indexText: true));
        db.Add("car mechanic", "car");
        var error = Assert.Throws<InvalidOperationException>(() => db.GetText("car"))!;
        Assert.That(error.Message, Does.Contain("StoreText = false"));
        Assert.Throws<InvalidOperationException>(() => db.GetTexts(["car"]));
        Assert.That(db.Get("car"), Is.Not.Null, "the document itself is there");
    }

    [Test]
    public void StoreTextAndIndexTextAreRecordedAndConflictingValuesAreRejected()
    {
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false, indexText: true)).Dispose();
        Assert.That(File.ReadAllText(folder.File("index.commit.json")), Does.Contain("\"storeText\": false").And.Contain("\"indexText\": true"));
        var store = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: true)))!;
        Assert.That(store.Field, Is.EqualTo("StoreText"));
        var index = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, TextFixture.Options(indexText: false)))!;
        Assert.That(index.Field, Is.EqualTo("IndexText"));
        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false));
        Assert.That(reopened.StoresText, Is.False);
        Assert.That(reopened.HasLexicalIndex, Is.True);
    }

    [Test]
    public void StoredTextIsWhatTheDefaultKeeps()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options()))
        {
            db.Add(Secrets[0], "med");
        }

        Assert.That(TextFixture.FilesContaining(folder.Path, Secrets[0]), Is.Not.Empty, "the scan does find text that is stored (it is not vacuous)");
    }
}
