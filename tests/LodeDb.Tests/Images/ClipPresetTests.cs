using System.Text.Json;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Tests.Images;

/// <summary>
/// The <c>clip</c> preset end to end through the database: a models root laid out as
/// <c>lodedb models pull clip</c> writes it, holding the hand-weighted CLIP-shaped fixture
/// (tests/fixtures/clip, 32-d, made by make_clip_fixtures.py), loaded through the test-only
/// <c>PresetOverride</c> (the real preset with the fixture's dimension). Every vector comes from
/// the real BPE tokenizer, the SkiaSharp preprocessing, the two ONNX sessions and the native scan.
/// </summary>
public sealed class ClipPresetTests
{
    private const int FixtureDim = 32;

    private static readonly Lazy<string> FixtureFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures", "clip");
            }
        }

        throw new DirectoryNotFoundException("LodeDb.Native.sln not found above the test assembly.");
    });

    private static string Image(string name) => Path.Combine(FixtureFolder.Value, "images", name + ".png");

    private static readonly ModelPreset Variant = ClipModelPresets.Clip with { Dimension = FixtureDim };

    /// <summary>A models root with clip/ holding the fixture's files, as a pull lays them out.</summary>
    private static TestFolder ModelsRoot()
    {
        var root = new TestFolder();
        foreach (string file in ClipModelPresets.Clip.Files)
        {
            string target = Path.Combine(root.Path, "clip", file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(FixtureFolder.Value, file), target);
        }

        return root;
    }

    private static LodeDbOptions Options(string modelRoot) => new() { Model = "clip", ModelDirectory = modelRoot, PresetOverride = Variant };

    private static void AddFixtureImages(LodeDatabase db)
    {
        foreach (string name in new[] { "red_circle", "blue_square", "green_circle", "red_square", "blue_circle" })
        {
            db.AddImage(Image(name), name, new Dictionary<string, object?> { ["file"] = name + ".png" });
        }
    }

    [Test]
    public void TextFindsTheMatchingImageAndAnImageFindsItsNearDuplicate()
    {
        using var models = ModelsRoot();
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, Options(models.Path));
        Assert.That(db.SupportsImages, Is.True);
        AddFixtureImages(db);

        Assert.That(db.Search("a red circle", 3)[0].Id, Is.EqualTo("red_circle"));
        Assert.That(db.Search("a blue square", 3)[0].Id, Is.EqualTo("blue_square"));
        Assert.That(db.Search("green circles", 3)[0].Id, Is.EqualTo("green_circle"));
        IReadOnlyList<SearchHit> byImage = db.SearchByImage(Image("red_circle_near"), 3);
        Assert.That(byImage[0].Id, Is.EqualTo("red_circle"));
        Assert.That(byImage[0].Score, Is.GreaterThan(byImage[1].Score));

        // Text documents live in the same space: an image finds the text that describes it.
        db.Add("a blue square", "caption-doc");
        Assert.That(db.SearchByImage(Image("blue_square"), 6).Select(h => h.Id), Does.Contain("caption-doc"));

        LodeStats stats = db.Stats();
        Assert.That(stats.IngestImageEmbeddings.Images, Is.EqualTo(5));
        Assert.That(stats.QueryImageEmbeddings.Images, Is.EqualTo(2));
    }

    [Test]
    public void TheIdentityPinsTheClipPresetAndReopensWithNoModelOption()
    {
        using var models = ModelsRoot();
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, Options(models.Path)))
        {
            AddFixtureImages(db);
        }

        JsonElement identity = JsonDocument.Parse(File.ReadAllText(folder.File("index.commit.json"))).RootElement.GetProperty("identity");
        Assert.That(identity.GetProperty("kind").GetString(), Is.EqualTo("preset"));
        Assert.That(identity.GetProperty("preset").GetString(), Is.EqualTo("clip"));
        Assert.That(identity.GetProperty("model").GetString(), Is.EqualTo(ClipModelPresets.Clip.Repository));
        Assert.That(identity.GetProperty("task").GetString(), Is.EqualTo("image+text"));
        Assert.That(identity.GetProperty("bitWidth").GetInt32(), Is.EqualTo(4));
        Assert.That(identity.GetProperty("dim").GetInt32(), Is.EqualTo(FixtureDim));

        using (var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { ModelDirectory = models.Path, PresetOverride = Variant, ReadOnly = true }))
        {
            Assert.That(reopened.SearchByImage(Image("red_circle_near"), 1)[0].Id, Is.EqualTo("red_circle"));
        }

        Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = "minilm", ModelDirectory = models.Path }).Dispose());
    }

    [Test]
    public void AMissingClipModelPrintsThePullCommandAndAnExplicitBitWidthConflicts()
    {
        using var models = new TestFolder();
        using var folder = new TestFolder();
        var missing = Assert.Throws<ModelNotFoundException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = "clip", ModelDirectory = models.Path }))!;
        Assert.That(missing.Message, Does.Contain("lodedb models pull clip"));
        Assert.That(Directory.Exists(folder.Path), Is.False, "a failed create writes nothing");

        var bits = Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = "clip", BitWidth = 2 }))!;
        Assert.That(bits.Message, Does.Contain("Model = \"clip\"").And.Contain("BitWidth = 2"));
    }

    [Test]
    public void AnOversizedImageIsRefusedBeforeTheVisionTowerRuns()
    {
        using var models = ModelsRoot();
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, Options(models.Path));
        var error = Assert.Throws<LodeDb.Images.InvalidImageException>(() => db.AddImage(TestImages.PngHeader(20_000, 20_000), "bomb"))!;
        Assert.That(error.Reason, Is.EqualTo(LodeDb.Images.InvalidImageReason.TooLarge));
        Assert.That(db.Count(), Is.Zero);
        Assert.That(db.Stats().IngestImageEmbeddings.Calls, Is.Zero);
    }
}
