using System.Text.Json;
using LodeDb.Tests.Images;

namespace LodeDb.Tests.Input;

/// <summary>
/// Ill-formed UTF-16 (a lone surrogate) cannot round-trip through the UTF-8 of the files, so
/// every write entry point refuses it with <see cref="IllFormedStringException"/> naming the
/// field and item, and stores nothing.
/// </summary>
public sealed class IllFormedStringTests
{
    private const int Dim = 4;
    private const string LoneHigh = "a\uD800b";
    private const string LoneLow = "a\uDC00";
    private static readonly float[] Vector = [1, 2, 3, 4];

    private static Dictionary<string, object?> Meta(string key, object? value) => new() { [key] = value };

    private static void AssertRefused(TestDelegate write, string field, int index, int position)
    {
        var ex = Assert.Throws<IllFormedStringException>(write);
        Assert.That(ex, Is.InstanceOf<ArgumentException>());
        Assert.That(ex!.Field, Is.EqualTo(field));
        Assert.That(ex.Index, Is.EqualTo(index));
        Assert.That(ex.Position, Is.EqualTo(position));
        Assert.That(ex.Message, Does.Contain($"{field} of item {index}"));
    }

    [Test]
    public void TwoIdsDifferingOnlyInALoneSurrogateAreRefusedAndTheFolderStillOpens()
    {
        // The case: both were stored as "a\uFFFDb", a duplicate that made every later open fail.
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }))
        {
            AssertRefused(() => db.AddVector(Vector, "a\uD800b"), "id", 0, 1);
            AssertRefused(() => db.AddVector(Vector, "a\uD801b"), "id", 0, 1);
            db.AddVector(Vector, "a\uFFFDb");
            Assert.That(db.Count(), Is.EqualTo(1));
        }

        using (var db = LodeDatabase.Open(folder.Path))
        {
            Assert.That(db.List().Select(r => r.Id), Is.EqualTo(new[] { "a\uFFFDb" }));
        }
    }

    [Test]
    public void VectorWritesRefuseEveryIllFormedField()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, StoreText = true }))
        {
            AssertRefused(() => db.AddVector(Vector, LoneLow), "id", 0, 1);
            AssertRefused(() => db.AddVector(Vector, "ok", Meta(LoneHigh, 1)), "metadata key", 0, 1);
            AssertRefused(() => db.AddVector(Vector, "ok", Meta("k", LoneHigh)), "metadata value of 'k'", 0, 1);
            AssertRefused(() => db.AddVector(Vector, "ok", Meta("tags", new object?[] { "x", 1, "\uDFFF" })), "metadata value of 'tags'[2]", 0, 0);
            AssertRefused(() => db.AddVector(Vector, "ok", Meta("k", JsonDocument.Parse("\"x\\ud800\"").RootElement.Clone())), "metadata value of 'k'", 0, -1);
            AssertRefused(() => db.AddVector(Vector, "ok", text: "caption \uD83D"), "caption", 0, 8);

            float[][] two = [Vector, Vector];
            AssertRefused(() => db.AddVectors(two, ["ok0", "bad\uDBFF"]), "id", 1, 3);
            AssertRefused(() => db.AddVectors(two, ["ok0", "ok1"], [null, Meta("k", LoneLow)]), "metadata value of 'k'", 1, 1);
            AssertRefused(() => db.AddVectors(two, ["ok0", "ok1"], texts: ["fine", LoneLow]), "caption", 1, 1);
            Assert.That(db.Count(), Is.Zero, "nothing stored");
            Assert.That(db.Stats().WalRecords, Is.Zero, "nothing logged");
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.Zero);
    }

    [Test]
    public void WellFormedSurrogatePairsAreStoredAndReadBackUnchanged()
    {
        const string Emoji = "id-😀-𝄞";
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, StoreText = true }))
        {
            db.AddVector(Vector, Emoji, Meta("😀", new object?[] { "𝄞", "\uD83D\uDE00" }), text: "caption 😀");
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        LodeRecord record = reopened.Get(Emoji)!;
        Assert.That(record.Metadata["😀"], Is.EqualTo(new object?[] { "𝄞", "😀" }));
        Assert.That(reopened.GetText(Emoji), Is.EqualTo("caption 😀"));
    }

    [Test]
    public void TextWritesRefuseIllFormedTextIdsAndMetadataBeforeEmbedding()
    {
        using var folder = new TestFolder();
        var counting = new CountingEmbedder(TextFixture.Embedder.Value);
        var options = new LodeDbOptions { Embedder = counting, ModelName = TextFixture.ModelName };
        using var db = LodeDatabase.Open(folder.Path, options);
        int callsAfterOpen = counting.Calls;

        AssertRefused(() => db.Add("The mechanic fixed the brakes \uD800."), "text", 0, 30);
        AssertRefused(() => db.Add("The mechanic fixed the brakes.", LoneHigh), "id", 0, 1);
        AssertRefused(() => db.AddMany(["fine text", "bad \uDC00 text"]), "text", 1, 4);
        AssertRefused(() => db.AddMany(["fine text", "more text"], ["a", "b"], [null, Meta(LoneLow, "v")]), "metadata key", 1, 1);
        Assert.ThrowsAsync<IllFormedStringException>(() => db.AddAsync("text", "x", Meta("k", LoneHigh)));

        Assert.That(counting.Calls, Is.EqualTo(callsAfterOpen), "no embedder call for a refused write");
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void ImageWritesRefuseIllFormedIdsMetadataAndCaptions()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, ImageTestSupport.Options(embedder, storeText: true));

        AssertRefused(() => db.AddImage(ImageTestSupport.Red, LoneLow), "id", 0, 1);
        AssertRefused(() => db.AddImage(ImageTestSupport.Red, "ok", Meta("k", LoneHigh)), "metadata value of 'k'", 0, 1);
        AssertRefused(() => db.AddImage(ImageTestSupport.Red, "ok", text: LoneHigh), "caption", 0, 1);
        AssertRefused(() => db.AddImages([ImageItem.FromBytes(ImageTestSupport.Red, "r"), ImageItem.FromBytes(ImageTestSupport.Green, LoneHigh)]), "id", 1, 1);
        AssertRefused(() => db.AddImages([ImageItem.FromBytes(ImageTestSupport.Red, "r"), ImageItem.FromBytes(ImageTestSupport.Green, "g", text: LoneLow)]), "caption", 1, 1);

        Assert.That(embedder.ImageCalls, Is.Zero);
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void CollectionSpacesRefuseIllFormedIds()
    {
        using var folder = new TestFolder();
        using var collection = LodeCollection.Open(folder.Path);
        LodeDatabase space = collection.Space("vectors", new LodeDbOptions { VectorDim = Dim });
        AssertRefused(() => space.AddVector(Vector, LoneHigh), "id", 0, 1);
        Assert.That(space.Count(), Is.Zero);

        var options = new LodeDbOptions { Embedder = TextFixture.Embedder.Value, ModelName = "notes\uDC00" };
        Assert.Throws<IllFormedStringException>(() => collection.Space("notes", options));
        Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "vectors" }), "the refused space is not recorded");
    }

    [Test]
    public void AnIllFormedModelNameIsRefusedBeforeAnythingIsCreated()
    {
        using var folder = new TestFolder();
        var ex = Assert.Throws<IllFormedStringException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = TextFixture.Embedder.Value, ModelName = "model\uD800" }));
        Assert.That(ex!.Field, Is.EqualTo("ModelName"));
        Assert.That(Directory.Exists(folder.Path) && Directory.EnumerateFileSystemEntries(folder.Path).Any(), Is.False);
    }

    [Test]
    public void AnIllFormedQueryIsRefusedInEveryModeBeforeTheEmbedderRuns([Values] SearchMode mode)
    {
        // Before: vector and hybrid search passed the query to the embedder, whose tokenizer threw
        // "String contains invalid Unicode code points (Parameter 'strInput')", counted as an
        // embedder failure; lexical search silently searched a different string.
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        db.Add("a note about the garage", "n");
        var ex = Assert.Throws<ArgumentException>(() => db.SearchMany(["garage", LoneHigh], 1, mode));
        Assert.That(ex!.ParamName, Is.EqualTo("queries"));
        Assert.That(ex.Message, Does.Contain("Query 1").And.Contain("U+D800 at character 1"));
        Assert.ThrowsAsync<ArgumentException>(() => db.SearchAsync(LoneLow, 1, mode));
        Assert.That(db.Stats().QueryEmbeddings, Has.Property("Calls").Zero.And.Property("Failures").Zero);
    }

    [Test]
    public void TheRecordWriterRefusesALoneSurrogateInsteadOfWritingU_FFFD()
    {
        // The backstop behind the API checks: no encoder path may turn a string into other bytes.
        Assert.Throws<System.Text.EncoderFallbackException>(() => new ByteWriter(16).String(LoneHigh));
        Assert.Throws<ArgumentException>(() => MetadataCodec.Serialize(new Dictionary<string, object?> { ["k"] = LoneLow }));
    }
}
