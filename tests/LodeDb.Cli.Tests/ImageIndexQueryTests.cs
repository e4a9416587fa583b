using System.Text.Json;

namespace LodeDb.Cli.Tests;

/// <summary>
/// <c>index</c> of a folder of images and <c>query</c> by text and by <c>--image</c>, with the
/// CLIP-shaped fixture (tests/fixtures/clip) as a custom image+text model through
/// <c>--onnx-model</c>: the real BPE tokenizer, SkiaSharp preprocessing, both ONNX sessions.
/// </summary>
public sealed class ImageIndexQueryTests
{
    private static readonly string ClipFixture = Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "clip");

    private static string[] Model => ["--onnx-model", ClipFixture, "--model-name", "clip-fixture"];

    private TempFolder _folder = null!;
    private string _db = null!;
    private CliRun _index = null!;

    [OneTimeSetUp]
    public void IndexImages()
    {
        _folder = new TempFolder();
        string photos = _folder.Combine("photos");
        Directory.CreateDirectory(photos);
        foreach (string name in new[] { "red_circle", "blue_square", "green_circle", "red_square" })
        {
            File.Copy(Path.Combine(ClipFixture, "images", name + ".png"), Path.Combine(photos, name + ".png"));
        }

        File.WriteAllBytes(Path.Combine(photos, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]);
        _folder.Write("photos/notes.txt", "a blue circle");
        _db = _folder.Combine("db");
        _index = CliRun.Of(["index", _db, photos, .. Model]);
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    [Test]
    public void Index_embeds_the_images_and_skips_the_broken_one_with_its_reason()
    {
        Assert.That(_index.ExitCode, Is.EqualTo(ExitCodes.Ok), _index.ToString);
        Assert.That(_index.Out, Does.Contain("Indexed 1 text file and 4 images of 6 files"));
        Assert.That(_index.Out, Does.Contain("Skipped 1: invalid image (1)."));
        CliRun verbose = CliRun.Of(["index", _db, Path.Combine(_folder.Path, "photos", "broken.png"), "--verbose", .. Model]);
        Assert.That(verbose.Out, Does.Contain("broken.png: invalid image (").And.Contain("The image"));
    }

    [Test]
    public void A_text_query_finds_the_matching_image()
    {
        CliRun run = CliRun.Of(["query", _db, "a red circle", "--json", "--k", "3", .. Model]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        JsonElement first = JsonDocument.Parse(run.OutLines[0]).RootElement;
        Assert.That(first.GetProperty("id").GetString(), Is.EqualTo("red_circle.png"));
        Assert.That(first.GetProperty("metadata").GetProperty("kind").GetString(), Is.EqualTo("image"));
    }

    [Test]
    public void An_image_query_finds_its_near_duplicate()
    {
        CliRun run = CliRun.Of(["query", _db, "--image", Path.Combine(ClipFixture, "images", "red_circle_near.png"), "--json", .. Model]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(JsonDocument.Parse(run.OutLines[0]).RootElement.GetProperty("id").GetString(), Is.EqualTo("red_circle.png"));
    }

    [Test]
    public void Image_query_usage_errors_exit_2_and_a_missing_image_exits_3()
    {
        CliRun both = CliRun.Of(["query", _db, "red", "--image", "x.png", .. Model]);
        Assert.That(both.ExitCode, Is.EqualTo(ExitCodes.Usage), both.ToString);
        CliRun lexical = CliRun.Of(["query", _db, "--image", "x.png", "--mode", "lexical", .. Model]);
        Assert.That(lexical.ExitCode, Is.EqualTo(ExitCodes.Usage), lexical.ToString);
        CliRun missing = CliRun.Of(["query", _db, "--image", _folder.Combine("nope.png"), .. Model]);
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.NotFound), missing.ToString);
        Assert.That(missing.ErrorLines[0], Does.Contain("nope.png"));
    }
}
