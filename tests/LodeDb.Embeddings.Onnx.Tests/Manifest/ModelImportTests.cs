using System.Security.Cryptography;

namespace LodeDb.Embeddings.Onnx.Tests.Manifest;

/// <summary>
/// <see cref="ModelImporter"/> on the text-bert fixture. The fixture is 32-d with a 220-token
/// vocabulary, so it plays a variant of the minilm preset with those numbers; the real preset
/// refuses it. (tests/LodeDb.RealModels.Tests imports the real all-MiniLM-L6-v2.)
/// </summary>
public sealed class ModelImportTests
{
    private static readonly TextModelPreset FixtureMiniLm = TextModelPresets.MiniLm with { Dimension = 32, VocabularySize = 220 };

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The fixture as a user might have it: model.onnx beside vocab.txt, no tokenizer_config.json.</summary>
    private static string FlatFolder(TempFolder root)
    {
        string folder = root.CopyTextBert("download", flattenModel: true);
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        return folder;
    }

    [Test]
    public void Import_checks_the_folder_copies_it_into_the_preset_layout_and_writes_the_manifest()
    {
        using var source = new TempFolder();
        using var models = new TempFolder();
        string folder = FlatFolder(source);

        ModelImportResult result = ModelImporter.Import(FixtureMiniLm, folder, models.Path);

        string target = models.Combine("minilm");
        Assert.Multiple(() =>
        {
            Assert.That(result.ModelDirectory, Is.EqualTo(target));
            Assert.That(result.InPlace, Is.False);
            Assert.That(result.Dimension, Is.EqualTo(32));
            Assert.That(result.VocabularySize, Is.EqualTo(220));
            Assert.That(result.TokenizerSettings, Does.Contain("BERT defaults"));
            Assert.That(result.Files.Select(f => f.Path), Is.EqualTo(new[] { "onnx/model.onnx", "vocab.txt" }));
            Assert.That(result.Files[0].Sha256, Is.EqualTo(Sha256(Path.Combine(folder, "model.onnx"))));
            Assert.That(result.Files[1].Sha256, Is.EqualTo(Sha256(Path.Combine(folder, "vocab.txt"))));
            Assert.That(File.ReadAllBytes(Path.Combine(target, "onnx", "model.onnx")), Is.EqualTo(File.ReadAllBytes(Path.Combine(folder, "model.onnx"))));
            Assert.That(Directory.GetDirectories(models.Path), Is.EqualTo(new[] { target }), "no staging folder left behind");
        });

        ModelManifest manifest = ModelManifest.Read(result.ManifestPath);
        Assert.That(manifest.Preset, Is.EqualTo("minilm"));
        Assert.That(manifest.Source, Is.EqualTo($"import:{folder}"));
        Assert.That(manifest.Files, Is.EqualTo(result.Files));

        long hashes = ModelIntegrity.HashesComputed;
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(FixtureMiniLm, models.Path);
        Assert.That(embedder.Integrity.Status, Is.EqualTo(ModelIntegrityStatus.Verified));
        Assert.That(ModelIntegrity.HashesComputed, Is.EqualTo(hashes), "the import's hashes serve the first load");
        using var original = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        Assert.That(embedder.Embed(["car mechanic"])[0], Is.EqualTo(original.Embed(["car mechanic"])[0]));
    }

    [Test]
    public void The_real_preset_refuses_a_model_of_another_width_and_writes_nothing()
    {
        using var source = new TempFolder();
        using var models = new TempFolder();

        var error = Assert.Throws<ModelFormatException>(() => ModelImporter.Import("minilm", FlatFolder(source), models.Path))!;

        Assert.That(error.Message, Does.Contain("32").And.Contain("384"));
        Assert.That(Directory.GetFileSystemEntries(models.Path), Is.Empty);
    }

    [Test]
    public void A_vocabulary_of_another_size_is_refused()
    {
        using var source = new TempFolder();
        using var models = new TempFolder();

        var error = Assert.Throws<ModelFormatException>(() =>
            ModelImporter.Import(FixtureMiniLm with { VocabularySize = TextModelPresets.BertUncasedVocabularySize }, FlatFolder(source), models.Path))!;

        Assert.That(error.Message, Does.Contain("220 tokens").And.Contain("30,522"));
        Assert.That(Directory.GetFileSystemEntries(models.Path), Is.Empty);
    }

    [Test]
    public void A_vocabulary_longer_than_the_model_s_embedding_table_is_refused()
    {
        using var source = new TempFolder();
        using var models = new TempFolder();
        string folder = FlatFolder(source);
        File.AppendAllLines(Path.Combine(folder, "vocab.txt"), Enumerable.Range(0, 80).Select(i => $"extra{i}"));

        var error = Assert.Throws<ModelFormatException>(() => ModelImporter.Import(FixtureMiniLm with { VocabularySize = null }, folder, models.Path))!;

        Assert.That(error.Message, Does.Contain("cannot embed token id 299"));
    }

    [Test]
    public void A_model_with_other_inputs_and_outputs_is_refused()
    {
        using var models = new TempFolder();
        using var source = new TempFolder();
        string folder = FlatFolder(source);
        File.Copy(Path.Combine(RepositoryPaths.TextBadIo, "model.onnx"), Path.Combine(folder, "model.onnx"), overwrite: true);

        var error = Assert.Throws<ModelFormatException>(() => ModelImporter.Import(FixtureMiniLm, folder, models.Path))!;
        Assert.That(error.Message, Does.Contain("input"));
        Assert.That(Directory.GetFileSystemEntries(models.Path), Is.Empty);
        Assert.Throws<ModelNotFoundException>(() => ModelImporter.Import(FixtureMiniLm, models.Combine("nowhere"), models.Path));
    }

    [Test]
    public void An_existing_model_is_replaced_only_with_overwrite()
    {
        using var source = new TempFolder();
        using var models = new TempFolder();
        string folder = FlatFolder(source);
        ModelImporter.Import(FixtureMiniLm, folder, models.Path);
        models.Write("minilm/stale.txt", "left from before");

        var error = Assert.Throws<InvalidOperationException>(() => ModelImporter.Import(FixtureMiniLm, folder, models.Path))!;
        Assert.That(error.Message, Does.Contain("--force"));

        ModelImporter.Import(FixtureMiniLm, folder, models.Path, overwrite: true);
        Assert.That(File.Exists(models.Combine("minilm", "stale.txt")), Is.False, "the folder was replaced whole");
        Assert.That(Directory.GetDirectories(models.Path), Is.EqualTo(new[] { models.Combine("minilm") }));
    }

    [Test]
    public void The_preset_folder_itself_is_registered_in_place()
    {
        using var models = new TempFolder();
        string folder = models.CopyTextBert("minilm");

        ModelImportResult result = ModelImporter.Import(FixtureMiniLm, folder, models.Path);

        Assert.That(result.InPlace, Is.True);
        Assert.That(result.Files.Select(f => f.Path), Is.EqualTo(new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" }));
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(FixtureMiniLm, models.Path);
        Assert.That(embedder.Integrity.Status, Is.EqualTo(ModelIntegrityStatus.Verified));
    }

    [Test]
    public void A_source_whose_own_manifest_no_longer_matches_is_refused()
    {
        using var models = new TempFolder();
        using var source = new TempFolder();
        string first = FlatFolder(source);
        ModelImporter.Import(FixtureMiniLm, first, models.Path);
        File.AppendAllText(models.Combine("minilm", "vocab.txt"), "tampered\n");

        using var elsewhere = new TempFolder();
        Assert.Throws<ModelDamagedException>(() => ModelImporter.Import(FixtureMiniLm, models.Combine("minilm"), elsewhere.Path));
    }
}
