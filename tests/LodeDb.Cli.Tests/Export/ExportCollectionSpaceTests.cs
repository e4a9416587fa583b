using LodeDb.Embeddings.Onnx;

namespace LodeDb.Cli.Tests.Export;

/// <summary>
/// Export reads stored rows only, so like a single database a collection's space exports without
/// its model: a custom space whose model folder `lodedb index` never recorded (made through the
/// library) must still export.
/// </summary>
public sealed class ExportCollectionSpaceTests
{
    [Test]
    public void A_custom_space_without_a_recorded_model_folder_exports_without_its_model()
    {
        using var folder = new TempFolder();
        string root = folder.Combine("collection");
        string file = folder.Combine("notes.jsonl");
        using (var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { ModelId = "text-bert" }))
        using (var collection = LodeCollection.Open(root))
        {
            collection.Space("notes", new LodeDbOptions { Embedder = embedder, ModelName = "text-bert" }).Add("My dog loves puppy food.", "dog");
        }

        CliRun export = CliRun.Of("export", root, file, "--space", "notes");

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString);
        Assert.That(File.ReadAllText(file), Does.Contain("puppy food"));
    }
}
