namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>
/// Characters above U+FFFF (emoji, CJK extension ideographs) as Hugging Face's BERT tokenizer
/// treats them: a word holding one is spelt from the vocabulary or becomes one [UNK]; an extension
/// ideograph is a word of its own. Microsoft.ML.Tokenizers dropped them (it judges UTF-16 code
/// units), so an emoji-only text embedded as an empty one. Expected ids are read from vocab.txt.
/// </summary>
public sealed class SupplementaryPlaneTests
{
    private static readonly List<string> Vocabulary = VocabularyIds.Fixture;

    private static int Id(string token) => VocabularyIds.Id(Vocabulary, token);

    private static int[] Ids(params string[] tokens) => VocabularyIds.Of(Vocabulary, tokens);

    [TestCase("😀", TestName = "an emoji alone")]
    [TestCase("  😀😀 ", TestName = "two emoji in one word")]
    [TestCase("a😀b", TestName = "an emoji inside a word")]
    [TestCase("\U0001F1FA\U0001F1F8", TestName = "a flag (two regional indicators)")]
    [TestCase("\U0001F468\u200D\U0001F469\u200D\U0001F467", TestName = "a family (emoji joined by zero-width joiners)")]
    public void A_word_with_an_emoji_is_one_unknown_token(string text)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize(text), Is.EqualTo(Ids("[UNK]")));
    }

    [Test]
    public void An_emoji_between_words_keeps_its_place_as_unknown()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        // "love" is not in the fixture vocabulary: WordPiece spells it from letter pieces.
        Assert.That(embedder.Tokenize("I love 😀 pizza"), Is.EqualTo(Ids("i", "l", "##o", "##v", "##e", "[UNK]", "pizza")));
        Assert.That(embedder.Tokenize("I love 😀 pizza"), Is.EqualTo(embedder.Tokenize("I love [UNK] pizza")));
    }

    [Test]
    public void Punctuation_still_splits_a_word_with_an_emoji()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize("car,😀!"), Is.EqualTo(Ids("car", ",", "[UNK]", "!")));
        // U+10100 AEGEAN WORD SEPARATOR LINE is punctuation (Po): a word of its own, and unknown.
        Assert.That(embedder.Tokenize("car\U00010100dog"), Is.EqualTo(Ids("car", "[UNK]", "dog")));
    }

    [TestCase("car \U00020000 dog", TestName = "between spaces")]
    [TestCase("car\U00020000dog", TestName = "inside a word")]
    [TestCase("car\U0002A700dog", TestName = "an extension C ideograph")]
    public void An_extension_plane_ideograph_is_a_word_of_its_own(string text)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize(text), Is.EqualTo(Ids("car", "[UNK]", "dog")));
    }

    [Test]
    public void Invisible_characters_above_the_bmp_and_lone_surrogates_are_dropped()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.Multiple(() =>
        {
            // U+E0001 LANGUAGE TAG (Cf) and U+F0000 (private use) go as BERT's clean-text step drops them.
            Assert.That(embedder.Tokenize("car\U000E0001s"), Is.EqualTo(embedder.Tokenize("cars")));
            Assert.That(embedder.Tokenize("car\U000F0000s"), Is.EqualTo(embedder.Tokenize("cars")));
            // A lone surrogate is no character: dropped, where BertTokenizer's normaliser threw.
            Assert.That(embedder.Tokenize("car\uD83Ds"), Is.EqualTo(embedder.Tokenize("cars")));
            Assert.That(embedder.Tokenize("\uDE00"), Is.EqualTo(Ids()));
        });
    }

    [Test]
    public void An_emoji_text_embeds_unlike_an_empty_one()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        float[][] vectors = embedder.Embed(["😀", "\u00A0", "I love 😀 pizza", "I love pizza"]);

        Assert.Multiple(() =>
        {
            Assert.That(VectorMath.MaxAbsDifference(vectors[0], vectors[1]), Is.GreaterThan(1e-3));
            Assert.That(VectorMath.MaxAbsDifference(vectors[2], vectors[3]), Is.GreaterThan(1e-3));
        });
    }

    [Test]
    public void A_vocabulary_that_spells_supplementary_characters_is_used()
    {
        using var folder = new TempFolder();
        string model = folder.CopyTextBert("model");
        File.AppendAllLines(Path.Combine(model, "vocab.txt"), ["😀", "##😀", "\U00020000", "\u4E3D"]);
        using var embedder = new OnnxTextEmbedder(model);
        int emoji = Vocabulary.Count;

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Tokenize("😀😀 \U00020000"), Is.EqualTo(new[] { Id("[CLS]"), emoji, emoji + 1, emoji + 2, Id("[SEP]") }));
            Assert.That(embedder.Tokenize("a😀"), Is.EqualTo(new[] { Id("[CLS]"), Id("a"), emoji + 1, Id("[SEP]") }));
            Assert.That(embedder.Tokenize("A😀"), Is.EqualTo(embedder.Tokenize("a😀")), "lower-cased as the rest of the text");
            // U+2F800 decomposes to U+4E3D under the uncased normalisation (NFD), as in Hugging Face.
            Assert.That(embedder.Tokenize("😀\U0002F800"), Is.EqualTo(new[] { Id("[CLS]"), emoji, emoji + 3, Id("[SEP]") }));
        });
    }

    // Texts without a character BertTokenizer mishandles (above U+FFFF, symbols, see
    // SymbolAndMarkTests) keep the ids they had before, pinned from that code.
    [TestCase("I love pizza", new[] { 2, 33, 36, 198, 205, 188, 133, 3 })]
    [TestCase("The automobile needs repair, said the mechanic.", new[] { 2, 51, 91, 82, 202, 95, 6, 43, 184, 192, 187, 51, 94, 5, 3 })]
    [TestCase("Café naïve 42 ÄÖÜ", new[] { 2, 27, 184, 189, 188, 38, 184, 192, 205, 188, 19, 212, 25, 198, 204, 3 })]
    [TestCase("a-b, 日本 ß (x) 'y' \"z\" 3.5", new[] { 2, 25, 11, 26, 6, 1, 1, 1, 13, 48, 14, 12, 49, 12, 1, 50, 1, 18, 5, 20, 3 })]
    [TestCase("re\u00ADpair the car\u200B!", new[] { 2, 95, 51, 90, 7, 3 })]
    public void Text_without_mishandled_characters_keeps_its_token_ids(string text, int[] expected)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize(text), Is.EqualTo(expected));
    }
}
