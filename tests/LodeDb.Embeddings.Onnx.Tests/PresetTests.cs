namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>Presets and where their folders are looked for. Environment variables are process-wide: these tests run alone.</summary>
[NonParallelizable]
public sealed class PresetTests
{
    [Test]
    public void Presets_carry_the_contract_values()
    {
        TextModelPreset minilm = TextModelPresets.Get("minilm");
        TextModelPreset bge = TextModelPresets.Get("BGE");

        Assert.Multiple(() =>
        {
            Assert.That(minilm.Repository, Is.EqualTo("sentence-transformers/all-MiniLM-L6-v2"));
            Assert.That(minilm.Dimension, Is.EqualTo(384));
            Assert.That(minilm.Pooling, Is.EqualTo(PoolingMode.Mean));
            Assert.That(minilm.QueryPrefix, Is.Null);
            Assert.That(minilm.Files, Is.EqualTo(new[] { "onnx/model.onnx", "tokenizer.json", "vocab.txt", "tokenizer_config.json" }));
            Assert.That(bge.Repository, Is.EqualTo("BAAI/bge-base-en-v1.5"));
            Assert.That(bge.Dimension, Is.EqualTo(768));
            Assert.That(bge.Pooling, Is.EqualTo(PoolingMode.Cls));
            Assert.That(bge.QueryPrefix, Is.EqualTo("Represent this sentence for searching relevant passages: "));
            Assert.That(bge.Files, Is.EqualTo(new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" }));
            Assert.That(minilm.MaxSequenceLength, Is.EqualTo(256));
            Assert.That(minilm.Revision, Does.Match("^[0-9a-f]{40}$"));
            Assert.That(bge.Revision, Does.Match("^[0-9a-f]{40}$"));
        });
    }

    [Test]
    public void Unknown_preset_lists_the_known_ones()
    {
        Assert.That(() => TextModelPresets.Get("gpt"), Throws.ArgumentException.With.Message.Contains("minilm, bge"));
    }

    [Test]
    public void Revision_is_overridable_by_environment_and_by_with()
    {
        using var variable = new EnvironmentVariableScope(TextModelPresets.MiniLmRevisionVariable, "0123456789abcdef0123456789abcdef01234567");

        Assert.Multiple(() =>
        {
            Assert.That(TextModelPresets.MiniLm.Revision, Is.EqualTo("0123456789abcdef0123456789abcdef01234567"));
            Assert.That(TextModelPresets.Bge.Revision, Is.EqualTo(TextModelPresets.BgeDefaultRevision));
            Assert.That((TextModelPresets.Bge with { Revision = "feed" }).Revision, Is.EqualTo("feed"));
        });

        variable.Set(null);
        Assert.That(TextModelPresets.MiniLm.Revision, Is.EqualTo(TextModelPresets.MiniLmDefaultRevision));
    }

    [Test]
    public void Folder_resolution_prefers_explicit_then_environment_then_user_cache()
    {
        using var root = new TempFolder();
        using var variable = new EnvironmentVariableScope(ModelFolderResolver.ModelDirectoryVariable, null);
        string explicitRoot = Path.Combine(root.Path, "explicit");
        string environmentRoot = Path.Combine(root.Path, "env");
        string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "lodedb", "models", "bge");

        Assert.That(ModelFolderResolver.ResolvePresetFolder("bge"), Is.EqualTo(Path.GetFullPath(cache)));

        variable.Set(environmentRoot);
        Assert.Multiple(() =>
        {
            Assert.That(ModelFolderResolver.ResolvePresetFolder("bge"), Is.EqualTo(Path.Combine(environmentRoot, "bge")));
            Assert.That(ModelFolderResolver.ResolvePresetFolder("bge", explicitRoot), Is.EqualTo(Path.Combine(explicitRoot, "bge")));
        });
    }

    [Test]
    public void Model_dir_variable_is_used_to_open_a_preset()
    {
        using var root = new TempFolder();
        root.CopyTextBert("bge");
        using var variable = new EnvironmentVariableScope(ModelFolderResolver.ModelDirectoryVariable, root.Path);

        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(TextModelPresets.Bge with { Dimension = 32 });

        Assert.Multiple(() =>
        {
            Assert.That(embedder.ModelDirectory, Is.EqualTo(Path.Combine(root.Path, "bge")));
            Assert.That(embedder.Pooling, Is.EqualTo(PoolingMode.Cls));
            Assert.That(embedder.QueryPrefix, Is.EqualTo(TextModelPresets.BgeQueryPrefix));
            Assert.That(embedder.ModelId, Is.EqualTo("BAAI/bge-base-en-v1.5"));
        });
    }

    [Test]
    public void A_root_that_holds_the_model_itself_is_used_as_the_model_folder()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("my-minilm");

        Assert.That(ModelFolderResolver.ResolvePresetFolder("minilm", folder), Is.EqualTo(folder));
    }
}
