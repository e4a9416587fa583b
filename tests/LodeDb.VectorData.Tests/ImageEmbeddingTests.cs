using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>A picture record: its image (DataContent) is the vector property, embedded by the CLIP-shaped fixture model.</summary>
public sealed class Picture
{
    [VectorStoreKey] public string Name { get; set; } = "";
    [VectorStoreData] public string Colour { get; set; } = "";
    [VectorStoreVector(32)] public DataContent? Image { get; set; }
}

/// <summary>
/// Images through the multimodal embedder: DataContent vector properties embedded by the
/// CLIP-shaped fixture model (tests/fixtures/clip: real tokenizer, preprocessing and ONNX
/// sessions), searched by an image and, through the same model's text tower, by text.
/// </summary>
public sealed class ImageEmbeddingTests
{
    private static string ClipFolder => Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "clip");

    private static DataContent Png(string name) => new(File.ReadAllBytes(Path.Combine(ClipFolder, "images", name)), "image/png");

    [Test]
    public async Task Images_are_embedded_on_upsert_and_found_by_image_and_by_text()
    {
        using var clip = new OnnxClipEmbedder(ClipFolder);
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { EmbeddingGenerator = clip, Rescore = RescoreStorage.Float16 });
        var pictures = store.GetCollection<string, Picture>("pictures");
        await pictures.EnsureCollectionExistsAsync();
        await pictures.UpsertAsync([
            new Picture { Name = "red_circle", Colour = "red", Image = Png("red_circle.png") },
            new Picture { Name = "blue_square", Colour = "blue", Image = Png("blue_square.png") },
            new Picture { Name = "green_circle", Colour = "green", Image = Png("green_circle.png") },
            new Picture { Name = "blue_circle", Colour = "blue", Image = Png("blue_circle.png") },
        ]);

        var byImage = await pictures.SearchAsync(Png("red_circle_near.png"), 1).SingleAsync();
        Assert.That(byImage.Record.Name, Is.EqualTo("red_circle"), "a near-duplicate image finds its original");

        var byText = await pictures.SearchAsync("a blue square", 1).SingleAsync();
        Assert.That(byText.Record.Name, Is.EqualTo("blue_square"), "text finds the image through CLIP's text tower");

        var filtered = await pictures.SearchAsync("a blue square", 5, new() { Filter = p => p.Colour != "blue" }).Select(h => h.Record.Colour).ToListAsync();
        Assert.That(filtered, Has.None.EqualTo("blue"));
        Assert.That(filtered, Has.Count.EqualTo(2));
    }
}
