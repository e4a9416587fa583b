using SkiaSharp;
using static LodeDb.Tests.Images.ImageTestSupport;

namespace LodeDb.Tests.Images;

/// <summary>Which indexes take images: the recorded task, reopening, read-only handles.</summary>
public sealed class ImageRouteTests
{
    [Test]
    public void AnImageCapableEmbedderRecordsTheImageTextTask()
    {
        using var folder = new TestFolder();
        using (LodeDatabase.Open(folder.Path, Options(new ColourLayoutEmbedder())))
        {
        }

        Assert.That(IdentityOf(folder), Is.EqualTo(("custom", "image+text", ColourLayoutEmbedder.ModelName)));

        using var text = new TestFolder();
        using (LodeDatabase.Open(text.Path, new LodeDbOptions { Embedder = new TextSideOnly(new ColourLayoutEmbedder()), ModelName = "text-side" }))
        {
        }

        Assert.That(IdentityOf(text), Is.EqualTo(("custom", "text", "text-side")));
    }

    private static (string? Kind, string? Task, string? Model) IdentityOf(TestFolder folder)
    {
        using var root = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File("index.commit.json")));
        System.Text.Json.JsonElement identity = root.RootElement.GetProperty("identity");
        return (identity.GetProperty("kind").GetString(), identity.GetProperty("task").GetString(), identity.GetProperty("model").GetString());
    }

    [Test]
    public void AVectorOnlyIndexRefusesImages()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 16 });
        Assert.That(db.SupportsImages, Is.False);
        var ex = Assert.Throws<NotSupportedException>(() => db.AddImage(Red));
        Assert.That(ex!.Message, Does.Contain("vector-only").And.Contain("AddImage"));
        Assert.That(Assert.Throws<NotSupportedException>(() => db.AddImages([ImageItem.FromBytes(Red)]))!.Message, Does.Contain("vector-only"));
        Assert.That(Assert.Throws<NotSupportedException>(() => db.SearchByImage(Red))!.Message, Does.Contain("SearchByImage"));
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void ATextIndexRefusesImagesAndAnImageEmbedderOnReopen()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = new TextSideOnly(embedder), ModelName = ColourLayoutEmbedder.ModelName }))
        {
            Assert.That(db.SupportsImages, Is.False);
            var ex = Assert.Throws<NotSupportedException>(() => db.AddImage(Red));
            Assert.That(ex!.Message, Does.Contain("text index").And.Contain(ColourLayoutEmbedder.ModelName));
            Assert.Throws<NotSupportedException>(() => db.SearchByImage(Red));
            db.Add("red");
        }

        var mismatch = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, Options(embedder)));
        Assert.That(mismatch!.Message, Does.Contain("Task").And.Contain("image+text"));
        Assert.That(embedder.ImageCalls, Is.Zero);
    }

    [Test]
    public void AnImageTextIndexOpenedWithATextOnlyEmbedderKeepsItsTextSide()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using (var db = LodeDatabase.Open(folder.Path, Options(embedder)))
        {
            db.AddImage(Red, "red");
            db.AddImage(Blue, "blue");
        }

        using (var textOnly = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = new TextSideOnly(embedder), ModelName = ColourLayoutEmbedder.ModelName }))
        {
            Assert.That(textOnly.SupportsImages, Is.False);
            Assert.That(textOnly.Search("blue", 1)[0].Id, Is.EqualTo("blue"));
            textOnly.Add("a note", "note");
            var ex = Assert.Throws<InvalidOperationException>(() => textOnly.AddImage(Green));
            Assert.That(ex!.Message, Does.Contain("image+text").And.Contain("IEmbeddingGenerator<DataContent"));
            Assert.Throws<InvalidOperationException>(() => textOnly.SearchByImage(Green));
        }

        // The task is still image+text: the full embedder opens it again.
        using var full = LodeDatabase.Open(folder.Path, Options(embedder));
        Assert.That(full.SupportsImages, Is.True);
        Assert.That(full.Count(), Is.EqualTo(3));
        Assert.That(full.SearchByImage(Red, 1)[0].Id, Is.EqualTo("red"));
    }

    [Test]
    public void AReadOnlyHandleSearchesImagesButRefusesToAddThem()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var writer = LodeDatabase.Open(folder.Path, Options(embedder));
        writer.AddImage(Red, "red");
        writer.AddImage(Blue, "blue");

        var options = Options(embedder);
        using var reader = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = options.Embedder, ModelName = options.ModelName, ReadOnly = true });
        int calls = embedder.ImageCalls;
        Assert.Throws<ReadOnlyException>(() => reader.AddImage(Green));
        Assert.Throws<ReadOnlyException>(() => reader.AddImage(Path.Combine(folder.Path, "missing.png")));
        Assert.Throws<ReadOnlyException>(() => reader.AddImages([ImageItem.FromBytes(Green)]));
        Assert.That(embedder.ImageCalls, Is.EqualTo(calls), "refused before any model call");
        Assert.That(reader.SearchByImage(TestImages.Draw(16, 16, SKColors.Blue), 1)[0].Id, Is.EqualTo("blue"));
        Assert.That(reader.Count(), Is.EqualTo(2));
    }

    [Test]
    public void BatchOptionsAreValidated()
    {
        using var folder = new TestFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => LodeDatabase.Open(folder.Path, Options(new ColourLayoutEmbedder(), batchSize: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => LodeDatabase.Open(folder.Path, Options(new ColourLayoutEmbedder(), batchBytes: 0)));
        Assert.That(Directory.Exists(folder.Path), Is.False, "nothing created");
    }
}
