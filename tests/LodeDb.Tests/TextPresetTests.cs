using System.Text.Json;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Tests;

/// <summary>
/// The preset route (<c>Model = "minilm" | "bge"</c>). No real weights exist here, so a preset
/// folder is laid out as <c>lodedb models pull</c> writes it, with the files of the fixture
/// model (tests/fixtures/text-bert, 32-d). The real presets refuse it by its dimension; the
/// end-to-end tests load it through the test-only <c>PresetOverride</c> (the same preset with
/// the fixture's dimension), so every vector still comes out of ONNX Runtime.
/// </summary>
[NonParallelizable] // sets process environment variables
public sealed class TextPresetTests
{
    private const int FixtureDim = 32;

    private static string FixtureFolder =>
        TextFixture.Embedder.Value.ModelDirectory;

    /// <summary>A models root holding <paramref name="preset"/>'s folder with the fixture's files (onnx/model.onnx, vocab.txt, tokenizer_config.json).</summary>
    private static TestFolder ModelsRoot(string preset, params string[] omit)
    {
        var root = new TestFolder();
        string target = Path.Combine(root.Path, preset);
        Directory.CreateDirectory(Path.Combine(target, "onnx"));
        foreach (string file in new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" })
        {
            if (!omit.Contains(file))
            {
                File.Copy(Path.Combine(FixtureFolder, file), Path.Combine(target, file));
            }
        }

        return root;
    }

    private static TextModelPreset FixtureVariant(string preset) => TextModelPresets.Get(preset) with { Dimension = FixtureDim };

    private static LodeDbOptions PresetOptions(string preset, string modelRoot, int? bitWidth = null) => new()
    {
        Model = preset,
        ModelDirectory = modelRoot,
        PresetOverride = FixtureVariant(preset),
        BitWidth = bitWidth,
    };

    private static JsonElement Identity(TestFolder folder) =>
        JsonDocument.Parse(File.ReadAllText(folder.File("index.commit.json"))).RootElement.GetProperty("identity");

    [TestCase("minilm")]
    [TestCase("bge")]
    public void AMissingModelFolderPrintsThePullCommandAndCreatesNothing(string preset)
    {
        using var models = new TestFolder();
        using var folder = new TestFolder();
        var error = Assert.Throws<ModelNotFoundException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = preset, ModelDirectory = models.Path }))!;
        Assert.That(error.Message, Does.Contain($"lodedb models pull {preset}"));
        Assert.That(error.ModelDirectory, Is.EqualTo(Path.Combine(models.Path, preset)));
        Assert.That(Directory.Exists(folder.Path), Is.False, "a failed create writes nothing");
    }

    [Test]
    public void AMissingTokenizerFileNamesItWithThePullCommand()
    {
        using var models = ModelsRoot("minilm", omit: "vocab.txt");
        using var folder = new TestFolder();
        var error = Assert.Throws<ModelNotFoundException>(() => LodeDatabase.Open(folder.Path, PresetOptions("minilm", models.Path)))!;
        Assert.That(error.MissingPath, Does.EndWith("vocab.txt"));
        Assert.That(error.Message, Does.Contain("lodedb models pull minilm"));
    }

    [TestCase("minilm", 384)]
    [TestCase("bge", 768)]
    public void AModelFolderWhoseModelHasAnotherDimensionThanThePresetIsRejectedClearly(string preset, int presetDim)
    {
        using var models = ModelsRoot(preset);
        using var folder = new TestFolder();
        var error = Assert.Throws<ModelFormatException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = preset, ModelDirectory = models.Path }))!;
        Assert.That(error.Message, Does.Contain($"hidden size is {FixtureDim}").And.Contain($"'{preset}' preset is {presetDim}-dimensional"));
        Assert.That(error.Message, Does.Contain($"lodedb models pull {preset}"));
        Assert.That(Directory.Exists(folder.Path), Is.False);
    }

    [Test]
    public void AnExplicitConflictingBitWidthIsRejectedNamingBoth()
    {
        using var folder = new TestFolder();
        var error = Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = "bge", BitWidth = 2 }))!;
        Assert.That(error.Message, Does.Contain("Model = \"bge\"").And.Contain("BitWidth = 2"));
        Assert.That(Directory.Exists(folder.Path), Is.False);
    }

    [Test]
    public void ModelConflictsWithVectorDimEmbedderAndModelDirectoryWithOtherRoutes()
    {
        using var folder = new TestFolder();
        var withDim = Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = "minilm", VectorDim = 384 }))!;
        Assert.That(withDim.Message, Does.Contain("Model").And.Contain("VectorDim"));
        var withEmbedder = Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions
        {
            Model = "minilm",
            Embedder = TextFixture.Embedder.Value,
            ModelName = "m",
        }))!;
        Assert.That(withEmbedder.Message, Does.Contain("Model").And.Contain("Embedder"));
        var directoryWithDim = Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8, ModelDirectory = folder.Path }))!;
        Assert.That(directoryWithDim.Message, Does.Contain("ModelDirectory").And.Contain("VectorDim"));
        Assert.That(Directory.Exists(folder.Path), Is.False);
    }

    [Test]
    public void APresetIndexRecordsItsIdentityAndSearchesThroughTheModel()
    {
        using var models = ModelsRoot("minilm");
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, PresetOptions("minilm", models.Path, bitWidth: 4)))
        {
            Assert.That((db.Dimension, db.BitWidth), Is.EqualTo((FixtureDim, 4)));
            db.AddMany(["car mechanic", "dog food", "Pizza recipes for dinner"], ["car", "dog", "pizza"]);
            Assert.That(db.Search("automobile repair", 2)[0].Id, Is.EqualTo("car"));
            Assert.That(db.Search("pizza", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("pizza"));
            Assert.That(db.Stats().IngestEmbeddings.Texts, Is.EqualTo(3));
        }

        JsonElement identity = Identity(folder);
        Assert.That(identity.GetProperty("kind").GetString(), Is.EqualTo("preset"));
        Assert.That(identity.GetProperty("model").GetString(), Is.EqualTo("sentence-transformers/all-MiniLM-L6-v2"));
        Assert.That(identity.GetProperty("preset").GetString(), Is.EqualTo("minilm"));
        Assert.That(identity.GetProperty("task").GetString(), Is.EqualTo("text"));
        Assert.That(identity.GetProperty("dim").GetInt32(), Is.EqualTo(FixtureDim));
        Assert.That(identity.GetProperty("bitWidth").GetInt32(), Is.EqualTo(4));

        // Reopen without Model: the recorded preset is loaded from the same model root.
        using (var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { ModelDirectory = models.Path, PresetOverride = FixtureVariant("minilm") }))
        {
            Assert.That(reopened.Count(), Is.EqualTo(3));
            Assert.That(reopened.Search("automobile repair", 1)[0].Id, Is.EqualTo("car"));
        }

        using (var reader = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true, ModelDirectory = models.Path, PresetOverride = FixtureVariant("minilm") }))
        {
            Assert.That(reader.Search("automobile repair", 1)[0].Id, Is.EqualTo("car"));
        }

        var otherPreset = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = "bge", ModelDirectory = models.Path }))!;
        Assert.That((otherPreset.Field, otherPreset.StoredValue, otherPreset.RequestedValue), Is.EqualTo(("Model", "minilm", "bge")));
        var custom = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, TextFixture.Options()))!;
        Assert.That((custom.Field, custom.StoredValue, custom.RequestedValue), Is.EqualTo(("Kind", "preset", "custom")));
        var vector = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = FixtureDim }))!;
        Assert.That(vector.Field, Is.EqualTo("Kind"));
        var bits = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { BitWidth = 2 }))!;
        Assert.That(bits.Field, Is.EqualTo("BitWidth"));
    }

    [Test]
    public void ReopenWithNoOptionsResolvesTheRecordedPresetThroughTheEnvironment()
    {
        using var models = ModelsRoot("minilm");
        using var empty = new TestFolder();
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, PresetOptions("minilm", models.Path)).Dispose();

        string? saved = Environment.GetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable);
        try
        {
            // LODEDB_MODEL_DIR points at an empty root: the recorded preset's pull command.
            Environment.SetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable, empty.Path);
            var missing = Assert.Throws<ModelNotFoundException>(() => LodeDatabase.Open(folder.Path).Dispose())!;
            Assert.That(missing.Message, Does.Contain("lodedb models pull minilm"));

            // At the fixture root: the real minilm preset is loaded and refuses the 32-d model.
            Environment.SetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable, models.Path);
            var wrong = Assert.Throws<ModelFormatException>(() => LodeDatabase.Open(folder.Path).Dispose())!;
            Assert.That(wrong.Message, Does.Contain("'minilm' preset is 384-dimensional"));

            using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { PresetOverride = FixtureVariant("minilm") });
            Assert.That(db.Dimension, Is.EqualTo(FixtureDim));
            Assert.That(db.Stats().QueryEmbeddings.Calls, Is.Zero);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable, saved);
        }
    }

    [Test]
    public void TheBgeQueryPrefixAppliesToQueriesOnly()
    {
        using var models = ModelsRoot("bge");
        using var folder = new TestFolder();
        using var reference = OnnxTextEmbedder.ForPreset(FixtureVariant("bge"), models.Path);
        Assert.That(reference.QueryPrefix, Is.EqualTo(TextModelPresets.BgeQueryPrefix));

        using var db = LodeDatabase.Open(folder.Path, PresetOptions("bge", models.Path));
        string[] corpus = ["car mechanic", "dog food", "My doctor works at the hospital", "Pizza recipes for dinner", "The storm brings rain and snow"];
        db.AddMany(corpus, ["car", "dog", "doctor", "pizza", "storm"]);

        // Stored texts are embedded without the prefix: a document's own document vector finds it at ~1.
        float[] document = reference.Embed(["car mechanic"], EmbeddingPurpose.Document)[0];
        Assert.That(db.SearchByVector(document, 1)[0].Id, Is.EqualTo("car"));
        Assert.That(db.SearchByVector(document, 1)[0].Score, Is.GreaterThan(0.95f));

        // A text query equals a search by the query-purpose (prefixed) vector, not the plain one.
        const string query = "automobile repair";
        float[] prefixed = reference.Embed([query], EmbeddingPurpose.Query)[0];
        float[] plain = reference.Embed([query], EmbeddingPurpose.Document)[0];
        Assert.That(prefixed, Is.Not.EqualTo(plain).Within(1e-6f), "the fixture must see the prefix for this test to mean anything");
        IReadOnlyList<SearchHit> byText = db.Search(query, 5);
        IReadOnlyList<SearchHit> byPrefixed = db.SearchByVector(prefixed, 5);
        IReadOnlyList<SearchHit> byPlain = db.SearchByVector(plain, 5);
        Assert.That(byText.Select(h => (h.Id, h.Score)), Is.EqualTo(byPrefixed.Select(h => (h.Id, h.Score))));
        Assert.That(byText.Select(h => h.Score), Is.Not.EqualTo(byPlain.Select(h => h.Score)));
    }
}
