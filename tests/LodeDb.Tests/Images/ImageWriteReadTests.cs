using LodeDb.Embeddings.Onnx.Images;
using SkiaSharp;
using static LodeDb.Tests.Images.ImageTestSupport;

namespace LodeDb.Tests.Images;

/// <summary>AddImage and SearchByImage on an image+text index of a custom embedder with an image side.</summary>
public sealed class ImageWriteReadTests
{
    [Test]
    public void AddsFromAPathBytesAndAStream()
    {
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        Assert.That(db.SupportsImages, Is.True);

        string redPath = files.File("red.png");
        File.WriteAllBytes(redPath, Red);
        Assert.That(db.AddImage(redPath, "red", new Dictionary<string, object?> { ["path"] = redPath }), Is.EqualTo("red"));
        Assert.That(db.AddImage(Green, "green"), Is.EqualTo("green"));
        using var stream = new MemoryStream(Blue);
        string blueId = db.AddImage(stream);
        Assert.That(blueId, Has.Length.EqualTo(32), "a generated id");
        Assert.That(stream.CanRead, Is.True, "the caller's stream is not disposed");
        Assert.That(stream.Position, Is.EqualTo(stream.Length), "read to its end");

        Assert.That(db.Count(), Is.EqualTo(3));
        Assert.That(db.Get("red")!.Metadata["path"], Is.EqualTo(redPath));
        Assert.That(embedder.MediaTypes, Is.EqualTo(new[] { "image/png", "image/png", "image/png" }));
        Assert.That(embedder.ImageOptions, Is.All.Null, "ingest calls carry no query purpose");

        Assert.That(db.SearchByImage(redPath, 1)[0].Id, Is.EqualTo("red"));
        Assert.That(db.SearchByImage(Green, 1)[0].Id, Is.EqualTo("green"));
        using var query = new MemoryStream(Blue);
        IReadOnlyList<SearchHit> hits = db.SearchByImage(query, 3);
        Assert.That(hits[0].Id, Is.EqualTo(blueId));
        Assert.That(hits[0].Score, Is.GreaterThan(0.95f));
        Assert.That(hits[2].Score, Is.LessThan(hits[0].Score));
        Assert.That(embedder.ImageOptions.Skip(3).Select(o => o?.AdditionalProperties?["lodedb.purpose"]), Is.All.EqualTo("query"));
    }

    [Test]
    public async Task TheAsyncVariantsAwaitTheEmbedder()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        Assert.That(await db.AddImageAsync(ImageSource.FromBytes(Red), "red"), Is.EqualTo("red"));
        IReadOnlyList<string> ids = await db.AddImagesAsync([ImageItem.FromBytes(Green, "green"), ImageItem.FromBytes(Blue, "blue")]);
        Assert.That(ids, Is.EqualTo(new[] { "green", "blue" }));
        Assert.That((await db.SearchByImageAsync(ImageSource.FromBytes(Green), 1))[0].Id, Is.EqualTo("green"));
        Assert.That(async () => await db.AddImageAsync(ImageSource.FromBytes(TestImages.PngHeader(20_000, 20_000))), Throws.InstanceOf<LodeDb.Images.InvalidImageException>());
        Assert.That(db.Count(), Is.EqualTo(3));
    }

    [Test]
    public void TextFindsImagesThroughTheTextSideOfTheSameEmbedder()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        db.AddImage(Red, "red");
        db.AddImage(Green, "green");
        db.AddImage(Blue, "blue");
        db.AddImage(Yellow, "yellow");
        db.Add("minutes of the quarterly budget meeting", "doc");

        Assert.That(db.Search("blue", 1)[0].Id, Is.EqualTo("blue"));
        Assert.That(db.Search("red", 1)[0].Id, Is.EqualTo("red"));
        Assert.That(db.Search("yellow", 2).Select(h => h.Id), Is.EqualTo(new[] { "yellow", "red" }).Or.EqualTo(new[] { "yellow", "green" }));
        Assert.That(db.Search("quarterly budget meeting minutes", 1)[0].Id, Is.EqualTo("doc"), "text documents live in the same space");
        IReadOnlyList<SearchHit> byImage = db.SearchByImage(Blue, 5);
        Assert.That(byImage[0].Id, Is.EqualTo("blue"));
        Assert.That(byImage.Single(h => h.Id == "doc").Score, Is.LessThan(0.3f), "an image is far from an unrelated text");
    }

    [Test]
    public void AnImageFindsItsNearDuplicateFirst()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, Options(new ColourLayoutEmbedder()));
        db.AddImage(TestImages.Draw(64, 64, SKColors.Red, SKColors.Blue), "red-blue-mark", new Dictionary<string, object?> { ["set"] = "a" });
        db.AddImage(TestImages.Draw(64, 64, SKColors.Red, SKColors.Lime), "red-green-mark", new Dictionary<string, object?> { ["set"] = "b" });
        db.AddImage(TestImages.Draw(64, 64, SKColors.Blue, SKColors.Red), "blue-red-mark", new Dictionary<string, object?> { ["set"] = "b" });
        db.AddImage(TestImages.Draw(64, 64, SKColors.Red), "red", new Dictionary<string, object?> { ["set"] = "b" });
        db.AddImage(Yellow, "yellow", new Dictionary<string, object?> { ["set"] = "b" });

        // The same picture, smaller and re-encoded as a lossy JPEG.
        byte[] duplicate = TestImages.Draw(40, 40, SKColors.Red, SKColors.Blue, SKEncodedImageFormat.Jpeg, 60);
        IReadOnlyList<SearchHit> hits = db.SearchByImage(duplicate, 5);
        Assert.That(hits[0].Id, Is.EqualTo("red-blue-mark"));
        Assert.That(hits[0].Score, Is.GreaterThan(hits[1].Score));

        // A filter constrains the ranking: the duplicate is excluded, k is not padded.
        IReadOnlyList<SearchHit> filtered = db.SearchByImage(duplicate, 10, Filter.Eq("set", "b"));
        Assert.That(filtered.Select(h => h.Id), Has.No.Member("red-blue-mark"));
        Assert.That(filtered, Has.Count.EqualTo(4));
        Assert.That(db.SearchByImage(duplicate, 10, Filter.Eq("set", "none")), Is.Empty);
    }

    [TestCase(true, true)]
    [TestCase(false, true)]
    public void ReplacingATextDocumentWithAnImageClearsItsChunksAndPostings(bool storeText, bool indexText)
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        string longText = string.Join(" ", Enumerable.Range(0, 12).Select(i => $"Sentence {i} mentions zebracode and other words."));
        using (var db = LodeDatabase.Open(folder.Path, Options(embedder, storeText, indexText, maxChunkChars: 64)))
        {
            db.Add(longText, "x");
            db.Add("an unrelated note", "other");
            Assert.That(db.Stats().SlotCount, Is.GreaterThan(3), "the text was chunked");
            Assert.That(db.Search("zebracode", 5, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "x" }));

            db.AddImage(Red, "x", text: "caption quokka");
            Check(db);
        }

        using (var reopened = LodeDatabase.Open(folder.Path, Options(embedder)))
        {
            Check(reopened);
        }

        void Check(LodeDatabase db)
        {
            Assert.That(db.Count(), Is.EqualTo(2));
            Assert.That(db.Search("zebracode", 5, SearchMode.Lexical), Is.Empty, "the old chunks' postings are gone");
            Assert.That(db.Search("quokka", 5, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "x" }), "the caption is searchable");
            Assert.That(db.Search("quokka", 5, SearchMode.Hybrid)[0].Id, Is.EqualTo("x"));
            Assert.That(db.SearchByImage(Red, 1)[0].Chunk, Is.EqualTo(0));
            Assert.That(db.Search("red", 1)[0].Id, Is.EqualTo("x"));
            if (storeText)
            {
                Assert.That(db.GetText("x"), Is.EqualTo("caption quokka"));
                Assert.That(db.SearchByImage(Red, 1)[0].Text, Is.EqualTo("caption quokka"));
            }
            else
            {
                Assert.Throws<InvalidOperationException>(() => db.GetText("x"));
            }
        }
    }

    [Test]
    public void TheImageFileIsClosedWhenAddImageReturns()
    {
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        string path = files.File("photo.png");
        File.WriteAllBytes(path, Red);
        string corrupt = files.File("broken.png");
        File.WriteAllBytes(corrupt, Red.AsSpan(0, 30).ToArray());

        db.AddImage(path, "photo");
        Assert.That(Assert.Throws<InvalidImageException>(() => db.AddImage(corrupt, "broken"))!.Reason, Is.EqualTo(InvalidImageReason.Corrupt));
        db.SearchByImage(path, 1);
        db.AddImages([ImageItem.FromFile(path, "again")]);
        if (OpenHandlesTo(files.Path) is int handles)
        {
            Assert.That(handles, Is.Zero, "no descriptor left open on the image folder");
        }

        // Windows would refuse these while a handle is open; here they also prove the files are free.
        File.Move(path, files.File("renamed.png"));
        File.Delete(files.File("renamed.png"));
        File.Delete(corrupt);
        Assert.That(Directory.GetFiles(files.Path), Is.Empty);
    }

    [Test]
    public void RawImageBytesReachNoFileOfTheFolder()
    {
        using var folder = new TestFolder();
        byte[] first = Noise(1);
        byte[] second = Noise(2);
        byte[] third = Noise(3);
        using (var db = LodeDatabase.Open(folder.Path, Options(new ColourLayoutEmbedder(), mode: CommitMode.Wal)))
        {
            db.AddImage(first, "a", text: "first");
            db.AddImages([ImageItem.FromBytes(second, "b"), new ImageItem(ImageSource.FromStream(new MemoryStream(third)), "c")]);
            Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName), Has.Some.Match(@"index\.g\d+\.wal"));
            foreach (byte[] image in new[] { first, second, third })
            {
                Assert.That(FilesHoldingBytesOf(folder.Path, image), Is.Empty, "in the log");
            }

            db.Persist();
        }

        Assert.That(Directory.GetFiles(folder.Path), Has.Length.GreaterThan(2));
        foreach (byte[] image in new[] { first, second, third })
        {
            Assert.That(FilesHoldingBytesOf(folder.Path, image), Is.Empty, "after the checkpoint");
        }
    }
}
