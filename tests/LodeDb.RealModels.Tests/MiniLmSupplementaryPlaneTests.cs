using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// all-MiniLM-L6-v2's own vocabulary (bert-base-uncased, no entry above U+FFFF) on emoji and
/// extension-plane ideographs: one [UNK] per word holding them, as Hugging Face's tokenizer gives;
/// expected ids are read from vocab.txt. Before, such characters were dropped.
/// </summary>
public sealed class MiniLmSupplementaryPlaneTests
{
    private static int[] Ids(params string[] tokens) => MiniLmVocabulary.Ids(tokens);

    [Test]
    public void Emoji_and_extension_ideographs_are_unknown_words()
    {
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(RealModels.MiniLm, ImportedMiniLm.Root);

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Tokenize("😀"), Is.EqualTo(Ids("[UNK]")));
            Assert.That(embedder.Tokenize("😀"), Is.EqualTo(new[] { 101, 100, 102 }), "bert-base-uncased's [CLS] [UNK] [SEP]");
            Assert.That(embedder.Tokenize("I love 😀 pizza"), Is.EqualTo(Ids("i", "love", "[UNK]", "pizza")));
            Assert.That(embedder.Tokenize("a😀b!"), Is.EqualTo(Ids("[UNK]", "!")));
            Assert.That(embedder.Tokenize("car\U00020000dog"), Is.EqualTo(Ids("car", "[UNK]", "dog")));
        });
    }

    [Test]
    public void An_emoji_text_embeds_unlike_an_empty_one()
    {
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(RealModels.MiniLm, ImportedMiniLm.Root);

        float[][] v = embedder.Embed(["😀", "\u00A0", "I love 😀 pizza", "I love pizza"]);
        TestContext.Out.WriteLine($"minilm cosine: emoji vs blank {Vectors.Cosine(v[0], v[1]):F4}, with vs without the emoji {Vectors.Cosine(v[2], v[3]):F4}");

        Assert.Multiple(() =>
        {
            Assert.That(Vectors.Cosine(v[0], v[1]), Is.LessThan(0.999f));
            Assert.That(Vectors.Cosine(v[2], v[3]), Is.LessThan(0.999f));
        });
    }
}
