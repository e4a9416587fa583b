namespace LodeDb.Embeddings.Onnx.Tests.Clip;

/// <summary>
/// The CLIP tokenizer (Microsoft.ML.Tokenizers' byte-level BPE with &lt;/w&gt;, CLIP's cleaning and
/// split pattern) against ids computed by the fixture script with its own port of CLIP's bpe().
/// </summary>
public sealed class ClipTokenizerTests
{
    private static OnnxClipEmbedder _embedder = null!;

    [OneTimeSetUp]
    public static void Open() => _embedder = ClipFixture.Open();

    [OneTimeTearDown]
    public static void Close() => _embedder.Dispose();

    private static IEnumerable<TestCaseData> Cases() =>
        ClipFixture.Texts.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Text.Length > 30 ? c.Text[..30] + "..." : c.Text));

    [TestCaseSource(nameof(Cases))]
    public void Ids_match_the_reference_bpe(object data)
    {
        var expected = (ClipTextCase)data;
        Assert.That(_embedder.Tokenize(expected.Text), Is.EqualTo(expected.InputIds));
    }

    [Test]
    public void Case_whitespace_and_composition_do_not_change_the_ids()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_embedder.Tokenize("  A   RED\tCircle \n"), Is.EqualTo(_embedder.Tokenize("a red circle")));
            Assert.That(_embedder.Tokenize("cafe\u0301"), Is.EqualTo(_embedder.Tokenize("caf\u00e9")), "NFC");
        });
    }

    [Test]
    public void Long_text_is_cut_to_the_context_and_keeps_the_end_token()
    {
        ClipTextCase longCase = ClipFixture.Texts.Single(c => c.Length == 77);
        int[] ids = _embedder.Tokenize(longCase.Text);

        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Length.EqualTo(77));
            Assert.That(ids[^1], Is.EqualTo(ClipFixture.EndId));
            Assert.That(ids, Is.EqualTo(longCase.InputIds));
        });
    }

    [Test]
    public void Whole_words_of_the_vocabulary_are_single_tokens()
    {
        // "a", "red", "circle": start, three pieces, end.
        Assert.That(_embedder.Tokenize("a red circle"), Has.Length.EqualTo(5));
        Assert.That(_embedder.Tokenize("zq"), Has.Length.EqualTo(4), "an unknown word falls back to its bytes (z, q</w>)");
    }
}
