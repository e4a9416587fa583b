namespace LodeDb.Tests;

/// <summary>Chunk boundaries: sentence, then word, then a hard cut; chunks partition the text.</summary>
public sealed class TextChunkingTests
{
    private static List<string> Chunks(string text, int max) =>
        TextChunker.Split(text, max).Select(c => text.Substring(c.Start, c.Length)).ToList();

    [Test]
    public void AShortTextIsOneChunk()
    {
        Assert.That(Chunks("Hello world.", 900), Is.EqualTo(new[] { "Hello world." }));
    }

    [Test]
    public void CutsAfterTheLastSentenceEndWithinTheLimit()
    {
        string text = "First sentence here. Second one is here! Third? And a long fourth sentence that runs on and on.";
        List<string> chunks = Chunks(text, 48);
        Assert.That(string.Concat(chunks), Is.EqualTo(text));
        Assert.That(chunks[0], Is.EqualTo("First sentence here. Second one is here! Third? "));
        Assert.That(chunks.All(c => c.TrimEnd().Length <= 48));
        Assert.That(chunks.Skip(1).All(c => !char.IsWhiteSpace(c[0])), "whitespace after a cut stays with the chunk before it");
    }

    [Test]
    public void FallsBackToAWordBoundaryWhenNoSentenceEndKeepsTheChunkHalfFull()
    {
        // The only sentence end is early (under half the limit): cut at the last space instead.
        string text = "Hi. alpha beta gamma delta epsilon zeta eta theta iota kappa lambda";
        List<string> chunks = Chunks(text, 30);
        Assert.That(chunks[0], Is.EqualTo("Hi. alpha beta gamma delta "));
        Assert.That(string.Concat(chunks), Is.EqualTo(text));
        Assert.That(chunks.All(c => c.TrimEnd().Length <= 30));
        Assert.That(chunks.All(c => !c.TrimEnd().Contains(' ') || !c.TrimEnd().EndsWith('-')), Is.True);
        foreach (string chunk in chunks)
        {
            Assert.That(text.Split(' ').Any(word => chunk.TrimEnd().EndsWith(word)), $"'{chunk}' ends on a whole word");
        }
    }

    [Test]
    public void AWordLongerThanTheLimitIsCutAtTheLimitButNeverInsideASurrogatePair()
    {
        string word = new('x', 40);
        Assert.That(Chunks(word, 16).Select(c => c.Length), Is.EqualTo(new[] { 16, 16, 8 }));
        string emoji = new string('a', 15) + "\U0001F600" + "bbbb";
        List<string> chunks = Chunks(emoji, 16);
        Assert.That(chunks[0], Is.EqualTo(new string('a', 15)), "the pair moves whole to the next chunk");
        Assert.That(string.Concat(chunks), Is.EqualTo(emoji));
    }

    [Test]
    public void AHardCutInTextWithoutSpacesSplitsNoIdentifierSoLexicalSearchStillFindsIt()
    {
        // Chinese or Japanese text has no spaces, so its chunks end at a hard cut; one that fell
        // inside "ABC-123456" (here at character 900) left "abc-1" and "23456" in the index.
        string text = new string('日', 895) + "ABC-123456" + new string('本', 100);
        List<string> chunks = Chunks(text, 900);
        Assert.That(string.Concat(chunks), Is.EqualTo(text));
        Assert.That(chunks.Count(c => c.Contains("ABC-123456")), Is.EqualTo(1), "the identifier stays in one chunk");
        Assert.That(chunks.All(c => c.Length <= 900));

        // Nor is a letter parted from its combining mark.
        string marked = new string('日', 15) + "e\u0301" + new string('本', 10);
        Assert.That(Chunks(marked, 16)[0], Is.EqualTo(new string('日', 15)));

        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        db.Add(text, "cjk");
        Assert.That(db.Search("ABC-123456", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "cjk" }));
        Assert.That(db.GetText("cjk"), Is.EqualTo(text));
    }

    [Test]
    public void RandomTextsArePartitionedWithinTheLimit()
    {
        var random = new Random(7);
        string[] words = ["car", "mechanic.", "dog", "E1234", "the", "end!", "ABC-123", "2024-01-15?", "x", "longerwordhere"];
        for (int round = 0; round < 200; round++)
        {
            var text = string.Join(random.Next(3) == 0 ? "  " : " ", Enumerable.Range(0, random.Next(1, 120)).Select(_ => words[random.Next(words.Length)]));
            int max = random.Next(16, 80);
            List<string> chunks = Chunks(text, max);
            Assert.That(string.Concat(chunks), Is.EqualTo(text));
            Assert.That(chunks.All(c => c.TrimEnd().Length <= max && c.Trim().Length > 0));
        }
    }

    [Test]
    public void TheDatabaseChunksAt900CharactersByDefaultAndJoinsThemBack()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        string sentence = "The mechanic repairs the car engine in the garage. ";
        string text = string.Concat(Enumerable.Repeat(sentence, 50)).TrimEnd(); // ~2,550 characters
        db.Add(text, "long");
        Assert.That(db.Stats().SlotCount, Is.EqualTo(3), "2,550 characters at 900 per chunk on sentence ends");
        Assert.That(db.Stats().Count, Is.EqualTo(1));
        Assert.That(db.GetText("long"), Is.EqualTo(text));
        // Each chunk ends at a sentence end.
        IReadOnlyList<SearchHit> hits = db.Search("car repair", 5, SearchMode.Lexical);
        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { "long" }), "one hit per document");
        Assert.That(hits[0].Text!.TrimEnd(), Does.EndWith("garage."));
        Assert.That(hits[0].Text!.Length, Is.LessThanOrEqualTo(901));
    }

    [Test]
    public void MaxChunkCharsIsAnOptionWithALowerBound()
    {
        using var folder = new TestFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: 15)));
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: 30));
        db.Add("The car needs a mechanic. The dog needs a vet. Pizza for dinner.", "d");
        Assert.That(db.Stats().SlotCount, Is.EqualTo(3));
        Assert.That(db.Search("puppy", 1)[0], Has.Property("Chunk").EqualTo(1).And.Property("Text").EqualTo("The dog needs a vet. "));
    }
}
