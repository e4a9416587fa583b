namespace LodeDb.Tests.Input;

/// <summary>
/// A text that shows nothing (only whitespace, format characters such as U+200B, control
/// characters) is refused as an empty text is: an <see cref="ArgumentException"/>, no model
/// call, nothing stored. Invisible characters beside visible ones are kept byte for byte.
/// </summary>
public sealed class InvisibleTextTests
{
    /// <summary>Texts with no visible character; each was stored as a document before the check.</summary>
    private static readonly string[] Invisible =
    [
        "\u200B",
        "\u200C\u200D",
        "\u2060",
        "\uFEFF",
        "\u00AD",
        " \u200B\t\u2060\n\uFEFF ",
        "\u0007\u200B",
        "\U000E0001\U000E0041", // tag characters: format characters above U+FFFF
    ];

    /// <summary>Invisible characters next to visible ones: an ordinary text.</summary>
    private static readonly string[] Mixed = ["a\u200Bb", "\uFEFFword\u2060", "co\u00ADoperate \u200C\u200D", "\u200B\u00E9\u200B"];

    [TestCaseSource(nameof(Invisible))]
    public void AnInvisibleOnlyTextIsRefusedBeforeAnyModelCallAndStoresNothing(string text)
    {
        using var folder = new TestFolder();
        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = "m" });
        long records = db.Stats().WalRecords;
        int calls = embedder.Calls;

        var single = Assert.Throws<ArgumentException>(() => db.Add(text, "x"));
        var batch = Assert.Throws<ArgumentException>(() => db.AddMany(["car mechanic", text], ["ok", "x"]));
        Assert.ThrowsAsync<ArgumentException>(() => db.AddAsync(text, "x"));

        Assert.That(single!.Message, Does.Contain("Text 0 has no visible characters"));
        Assert.That(batch!.Message, Does.Contain("Text 1 has no visible characters"));
        Assert.That(LodeDatabase.HasVisibleText(text), Is.False);
        Assert.That(embedder.Calls, Is.EqualTo(calls), "refused before any embedding");
        Assert.That(db.Count(), Is.EqualTo(0), "not even the good text of the batch");
        Assert.That(db.Stats().WalRecords, Is.EqualTo(records), "nothing logged");
    }

    [Test]
    public void InvisibleCharactersBesideVisibleOnesReadBackByteForByteAfterReopen()
    {
        using var folder = new TestFolder();
        string[] ids = [.. Mixed.Select((_, i) => $"d{i}")];
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options()))
        {
            db.AddMany(Mixed, ids);
            Assert.That(db.GetTexts(ids), Is.EqualTo(Mixed));
        }

        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options()))
        {
            Assert.That(db.GetTexts(ids), Is.EqualTo(Mixed), "same text after WAL replay");
            Assert.That(Mixed.All(LodeDatabase.HasVisibleText), Is.True);
        }
    }

    [Test]
    public void AnInvisibleOnlyTextInACollectionSpaceIsRefused()
    {
        using var folder = new TestFolder();
        using var collection = LodeCollection.Open(folder.Path);
        LodeDatabase space = collection.Space("notes", TextFixture.Options());
        Assert.Throws<ArgumentException>(() => space.Add("\u200B\u200D", "x"));
        Assert.That(space.Count(), Is.EqualTo(0));
    }
}
