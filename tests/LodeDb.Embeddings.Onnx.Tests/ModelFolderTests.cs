namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>Missing or unfit model folders give typed errors that say how to fix them.</summary>
public sealed class ModelFolderTests
{
    [Test]
    public void Missing_preset_folder_names_it_and_prints_the_pull_command()
    {
        using var root = new TempFolder();

        var error = Assert.Throws<ModelNotFoundException>(() => OnnxTextEmbedder.ForPreset("minilm", root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("lodedb models pull minilm"));
            Assert.That(error.Message, Does.Contain(Path.Combine(root.Path, "minilm")));
            Assert.That(error.Preset, Is.EqualTo("minilm"));
            Assert.That(error.PullCommand, Is.EqualTo("lodedb models pull minilm"));
        });
    }

    [TestCase("vocab.txt")]
    [TestCase("onnx/model.onnx")]
    public void Missing_file_of_a_preset_is_named_with_the_pull_command(string file)
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("bge");
        File.Delete(Path.Combine(folder, file));

        var error = Assert.Throws<ModelNotFoundException>(() => OnnxTextEmbedder.ForPreset("bge", root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.MissingPath, Is.EqualTo(Path.Combine(folder, file.Replace('/', Path.DirectorySeparatorChar))));
            Assert.That(error.Message, Does.Contain(Path.GetFileName(file)));
            Assert.That(error.Message, Does.Contain("lodedb models pull bge"));
        });
    }

    [Test]
    public void Missing_custom_folder_is_a_typed_error_with_the_generic_pull_command()
    {
        using var root = new TempFolder();
        string missing = Path.Combine(root.Path, "nothing-here");

        var error = Assert.Throws<ModelNotFoundException>(() => new OnnxTextEmbedder(missing))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(missing));
            Assert.That(error.Message, Does.Contain("lodedb models pull"));
            Assert.That(error, Is.InstanceOf<EmbeddingModelException>());
        });
    }

    [Test]
    public void Model_onnx_at_the_folder_root_is_found_too()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("flat", flattenModel: true);

        using var embedder = new OnnxTextEmbedder(folder);
        ExpectedCase sample = ExpectedOutputs.Cases[0];

        Assert.Multiple(() =>
        {
            Assert.That(embedder.ModelFile, Is.EqualTo(Path.Combine(folder, "model.onnx")));
            Assert.That(VectorMath.MaxAbsDifference(embedder.Embed([sample.Text])[0], sample.Mean), Is.LessThan(1e-5));
        });
    }

    [Test]
    public void Model_with_other_input_and_output_names_is_rejected_naming_them()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("bad");
        File.Copy(Path.Combine(RepositoryPaths.TextBadIo, "model.onnx"), Path.Combine(folder, "onnx", "model.onnx"), overwrite: true);

        var error = Assert.Throws<ModelFormatException>(() => new OnnxTextEmbedder(folder))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo(Path.Combine(folder, "onnx", "model.onnx")));
            Assert.That(error.Message, Does.Contain("'ids'"));
            Assert.That(error.Message, Does.Contain("input_ids"));
            Assert.That(error.Message, Does.Contain("last_hidden_state"));
        });
    }

    [Test]
    public void A_file_that_is_not_onnx_is_a_format_error()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("garbage");
        File.WriteAllText(Path.Combine(folder, "onnx", "model.onnx"), "<html>404 not found</html>");

        Assert.That(() => new OnnxTextEmbedder(folder), Throws.InstanceOf<ModelFormatException>().With.Message.Contains("model.onnx"));
    }

    [Test]
    public void A_folder_holding_another_model_than_the_preset_fails_on_its_dimension()
    {
        using var root = new TempFolder();
        root.CopyTextBert("minilm");

        var error = Assert.Throws<ModelFormatException>(() => OnnxTextEmbedder.ForPreset("minilm", root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("32"));
            Assert.That(error.Message, Does.Contain("384"));
            Assert.That(error.Message, Does.Contain("lodedb models pull minilm"));
        });
    }

    [Test]
    public void Do_lower_case_false_in_the_tokenizer_config_keeps_case()
    {
        using var root = new TempFolder();
        string cased = root.CopyTextBert("cased");
        File.WriteAllText(Path.Combine(cased, "tokenizer_config.json"), """{ "do_lower_case": false }""");
        using var lower = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        using var keep = new OnnxTextEmbedder(cased);
        int unknown = File.ReadAllLines(Path.Combine(RepositoryPaths.TextBert, "vocab.txt")).ToList().IndexOf("[UNK]");

        Assert.Multiple(() =>
        {
            Assert.That(lower.LowerCase, Is.True);
            Assert.That(keep.LowerCase, Is.False);
            Assert.That(lower.Tokenize("CAR Mechanic"), Is.EqualTo(lower.Tokenize("car mechanic")));
            // The vocabulary is lower-case only: upper-case words are unknown when case is kept.
            Assert.That(keep.Tokenize("CAR"), Is.EqualTo(new[] { lower.Tokenize("car")[0], unknown, lower.Tokenize("car")[^1] }));
        });
    }

    [Test]
    public void An_unreadable_tokenizer_config_is_a_format_error_naming_it()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("badjson");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{ not json");

        Assert.That(() => new OnnxTextEmbedder(folder),
            Throws.InstanceOf<ModelFormatException>().With.Message.Contains("tokenizer_config.json"));
    }
}
