namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>
/// tokenizer_config.json is optional for a BERT folder: without it the BERT defaults apply
/// (lower-casing and accent stripping for an uncased vocabulary, none for a cased one, max length
/// 512), and the embedder says so in <see cref="OnnxTextEmbedder.TokenizerSettings"/>.
/// </summary>
public sealed class TokenizerConfigTests
{
    [Test]
    public void Without_the_config_an_uncased_vocabulary_lower_cases_and_embeds_as_with_do_lower_case_true()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("no-config");
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));

        using var withConfig = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        using var withoutConfig = new OnnxTextEmbedder(folder);

        Assert.Multiple(() =>
        {
            Assert.That(withoutConfig.HasTokenizerConfig, Is.False);
            Assert.That(withoutConfig.LowerCase, Is.True, "the fixture vocabulary is uncased");
            Assert.That(withoutConfig.TokenizerSettings, Is.EqualTo("no tokenizer_config.json: BERT defaults (lower-casing on, the vocabulary is uncased, max length 512)"));
            Assert.That(withConfig.HasTokenizerConfig, Is.True);
            Assert.That(withConfig.TokenizerSettings, Is.EqualTo("tokenizer_config.json: lower-casing on, max length 512"));
            Assert.That(withoutConfig.MaxSequenceLength, Is.EqualTo(256), "the option (256) is below the default cap of 512");
        });
        const string text = "The Mechanic REPAIRED the Automobile café";
        Assert.That(withoutConfig.Tokenize(text), Is.EqualTo(withConfig.Tokenize(text)));
        Assert.That(withoutConfig.Embed([text])[0], Is.EqualTo(withConfig.Embed([text])[0]));
    }

    [Test]
    public void Without_the_config_the_max_length_is_capped_at_512()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("no-config");
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));

        using var embedder = new OnnxTextEmbedder(folder, new OnnxTextEmbedderOptions { MaxSequenceLength = 4096 });

        Assert.That(embedder.MaxSequenceLength, Is.EqualTo(512));
        Assert.That(embedder.Tokenize(string.Join(' ', Enumerable.Repeat("car", 1000))), Has.Count.EqualTo(512));
    }

    [Test]
    public void A_cased_vocabulary_without_the_config_keeps_case()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("cased");
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        string[] vocab = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
        string[] capitalised = [.. vocab.Where(t => t.Length > 2 && char.IsAsciiLetterLower(t[0])).Select(t => char.ToUpperInvariant(t[0]) + t[1..])];
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), [.. vocab, .. capitalised]);

        // The model cannot embed ids past its table, but the tokenizer settings are decided before any run.
        using var embedder = new OnnxTextEmbedder(folder);

        Assert.That(embedder.LowerCase, Is.False);
        Assert.That(embedder.TokenizerSettings, Does.Contain("lower-casing off, the vocabulary is cased"));
    }

    [Test]
    public void The_config_s_model_max_length_caps_the_option_and_hugging_face_s_no_limit_placeholder_does_not()
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("limited");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 16}""");
        using (var limited = new OnnxTextEmbedder(folder))
        {
            Assert.That(limited.MaxSequenceLength, Is.EqualTo(16));
        }

        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 1000000000000000019884624838656}""");
        using (var unlimited = new OnnxTextEmbedder(folder))
        {
            Assert.That(unlimited.MaxSequenceLength, Is.EqualTo(OnnxTextEmbedderOptions.DefaultMaxSequenceLength));
        }

        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"model_max_length": "long"}""");
        var error = Assert.Throws<ModelFormatException>(() => new OnnxTextEmbedder(folder))!;
        Assert.That(error.Message, Does.Contain("model_max_length"));
    }
}
