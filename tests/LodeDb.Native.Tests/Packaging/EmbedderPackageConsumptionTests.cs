namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// (b) of issue 11: a fresh console app referencing LodeDb + LodeDb.Embeddings.Onnx from the local
/// feed (<see cref="ConsumerPrograms.Embedders"/>) embeds text with the generated BERT fixture and
/// images with the CLIP fixture, and finds the expected neighbours; the ONNX package registers its
/// presets and image decoding with no startup call.
/// </summary>
[Category("Packaging")]
public sealed class EmbedderPackageConsumptionTests
{
    [Test]
    [CancelAfter(600_000)]
    public void AppReferencingLodeDbAndTheOnnxEmbeddersEmbedsTextAndImages()
    {
        string version = PackedFeed.RequireVersion();
        using var app = new ConsumerApp(version, ConsumerPrograms.Embedders, ["LodeDb", "LodeDb.Embeddings.Onnx"]);
        string fixtures = Path.Combine(RepositoryPaths.Root, "tests", "fixtures");

        var (exitCode, output) = app.Run("dotnet", "run", "--configuration", "Release", "--",
            app.DataFolder, Path.Combine(fixtures, "text-bert"), Path.Combine(fixtures, "clip"), Path.Combine(fixtures, "clip", "images"));
        TestContext.Out.WriteLine(output);

        Assert.That(exitCode, Is.Zero, output);
        string[] lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.That(lines, Does.Contain("onnx-runtime=Ok image-decoding=Ok"), output);
        Assert.That(lines, Does.Contain("preset-missing=ModelNotFoundException"), "the provider registered itself: its own error, not 'add the package'");
        Assert.That(lines, Does.Contain("text-top=car hybrid-top=pizza"), output);
        Assert.That(lines, Does.Contain("text-to-image=blue_square image-to-image=red_circle"), output);
    }
}
