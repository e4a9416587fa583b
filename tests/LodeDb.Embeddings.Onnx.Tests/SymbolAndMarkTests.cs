namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>
/// Symbols, marks and numbers within the BMP as Hugging Face's BERT tokenizer treats them: the
/// ASCII symbols ($ + &lt; = &gt; ^ ` | ~) and "_" are punctuation, words of their own; other symbols
/// (© € ° ™ ±), spacing and enclosing marks and non-decimal numbers (½ Ⅻ) stay inside their word,
/// which WordPiece spells or makes one [UNK]; extension A ideographs are words of their own.
/// Microsoft.ML.Tokenizers dropped all of these but "_", which it kept inside a word. Expected
/// tokens are those of the reference tokenizer, read from vocab.txt.
/// </summary>
public sealed class SymbolAndMarkTests
{
    private static readonly List<string> Vocabulary = VocabularyIds.Fixture;

    /// <summary>Tokens appended to the fixture vocabulary so that symbols have ids of their own.</summary>
    private static readonly string[] SymbolTokens = ["$", "+", "<", "=", "_", "©", "##©", "°", "½", "#"];

    private static int[] Ids(List<string> vocabulary, params string[] tokens) => VocabularyIds.Of(vocabulary, tokens);

    private static int[] Ids(params string[] tokens) => Ids(Vocabulary, tokens);

    [TestCase("it costs $5 + tax < 10 ©", new[] { "it", "cost", "##s", "[UNK]", "5", "[UNK]", "t", "##a", "##x", "[UNK]", "1", "##0", "[UNK]" })]
    [TestCase("x + y = z", new[] { "x", "[UNK]", "y", "[UNK]", "z" })]
    [TestCase("a<b", new[] { "a", "[UNK]", "b" })]
    [TestCase("C++ and C#", new[] { "c", "[UNK]", "[UNK]", "and", "c", "[UNK]" })]
    [TestCase("a|b~c^d`e", new[] { "a", "[UNK]", "b", "[UNK]", "c", "[UNK]", "d", "[UNK]", "e" })]
    [TestCase("x_y", new[] { "x", "[UNK]", "y" })]
    public void Ascii_symbols_are_words_of_their_own(string text, string[] tokens)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize(text), Is.EqualTo(Ids(tokens)));
    }

    [TestCase("€", new[] { "[UNK]" }, TestName = "a euro sign alone")]
    [TestCase("100 °C", new[] { "1", "##0", "##0", "[UNK]" }, TestName = "a degree sign in its word")]
    [TestCase("x©y and", new[] { "[UNK]", "and" }, TestName = "a copyright sign inside a word")]
    [TestCase("½ cup", new[] { "[UNK]", "c", "##u", "##p" }, TestName = "a vulgar fraction")]
    [TestCase("x\u20DDy z", new[] { "[UNK]", "z" }, TestName = "an enclosing mark")]
    [TestCase("\u0939\u093F\u0928\u094D\u0926\u0940 car", new[] { "[UNK]", "car" }, TestName = "a Devanagari word with spacing vowel signs")]
    public void Other_symbols_marks_and_numbers_stay_in_their_word(string text, string[] tokens)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize(text), Is.EqualTo(Ids(tokens)));
    }

    [Test]
    public void An_extension_a_ideograph_is_a_word_of_its_own()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize("a\u3400b"), Is.EqualTo(Ids("a", "[UNK]", "b")));
    }

    [Test]
    public void A_vocabulary_with_symbols_spells_them()
    {
        using var folder = new TempFolder();
        string model = folder.CopyTextBert("model");
        File.AppendAllLines(Path.Combine(model, "vocab.txt"), SymbolTokens);
        List<string> vocabulary = [.. Vocabulary, .. SymbolTokens];
        using var embedder = new OnnxTextEmbedder(model);

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Tokenize("it costs $5 + tax < 10 ©"), Is.EqualTo(Ids(vocabulary, "it", "cost", "##s", "$", "5", "+", "t", "##a", "##x", "<", "1", "##0", "©")));
            Assert.That(embedder.Tokenize("100 °C"), Is.EqualTo(Ids(vocabulary, "1", "##0", "##0", "°", "##c")));
            Assert.That(embedder.Tokenize("x©"), Is.EqualTo(Ids(vocabulary, "x", "##©")));
            Assert.That(embedder.Tokenize("C#_½"), Is.EqualTo(Ids(vocabulary, "c", "#", "_", "½")));
            // U+2260 NOT EQUAL TO is "=" and a combining mark that accent stripping drops: "=" is then punctuation.
            Assert.That(embedder.Tokenize("x\u2260y"), Is.EqualTo(Ids(vocabulary, "x", "=", "y")));
            Assert.That(embedder.Tokenize("50% off!"), Is.EqualTo(Ids(vocabulary, "5", "##0", "[UNK]", "of", "##f", "!")), "'%' was punctuation already");
        });
    }

    [Test]
    public void A_text_with_symbols_embeds_unlike_the_text_without_them()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        float[][] vectors = embedder.Embed(["€", "\u00A0", "car + $5", "car 5"]);

        Assert.Multiple(() =>
        {
            Assert.That(VectorMath.MaxAbsDifference(vectors[0], vectors[1]), Is.GreaterThan(1e-3));
            Assert.That(VectorMath.MaxAbsDifference(vectors[2], vectors[3]), Is.GreaterThan(1e-3));
        });
    }
}
