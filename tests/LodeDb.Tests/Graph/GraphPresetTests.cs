using LodeDb.Embeddings.Onnx;
using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>
/// A graph of a preset database ("minilm" laid out with the fixture model's files, loaded through
/// the test-only PresetOverride as the preset tests do): the graph records the preset and embeds
/// with the database's loaded model instead of loading it again.
/// </summary>
public sealed class GraphPresetTests
{
    [Test]
    public async Task APresetDatabasesGraphSharesItsLoadedModel()
    {
        using var models = new TestFolder();
        string target = Path.Combine(models.Path, "minilm");
        Directory.CreateDirectory(Path.Combine(target, "onnx"));
        foreach (string file in new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(TextFixture.Embedder.Value.ModelDirectory, file), Path.Combine(target, file));
        }

        using var folder = new TestFolder();
        var options = new LodeDbOptions { Model = "minilm", ModelDirectory = models.Path, PresetOverride = TextModelPresets.Get("minilm") with { Dimension = 32 } };
        using (var db = LodeDatabase.Open(folder.Path, options))
        using (var graph = LodeGraph.Open(db))
        {
            Assert.That(graph.HasEmbedder, Is.True);
            Assert.That(db.Embedders.Embedder, Is.Not.Null);
            await graph.AddNodesAsync([new GraphNode("vet", "Vet") { Text = "puppy and dog kennel" }, new GraphNode("bank", "Bank") { Text = "loan and cash" }]);
            Assert.That((await graph.SearchNodesAsync("canine hound", 1))[0].Node.Id, Is.EqualTo("vet"));
        }

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "graph", "index.commit.json")));
        Assert.That(json.RootElement.GetProperty("identity").GetProperty("preset").GetString(), Is.EqualTo("minilm"));

        // Reopened with the recorded preset (no Model in the options), as the database itself is.
        using var reopenedDb = LodeDatabase.Open(folder.Path, new LodeDbOptions { ModelDirectory = models.Path, PresetOverride = options.PresetOverride });
        using var reopened = LodeGraph.Open(reopenedDb);
        Assert.That((await reopened.SearchNodesAsync("cash budget", 1))[0].Node.Id, Is.EqualTo("bank"));
    }
}
