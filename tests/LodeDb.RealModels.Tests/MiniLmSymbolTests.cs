using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// all-MiniLM-L6-v2's own vocabulary (bert-base-uncased) on symbols within the BMP: the ids Hugging
/// Face's tokenizer gives, where Microsoft.ML.Tokenizers dropped "$", "+", "&lt;", "©" and "°". The
/// literal ids are lines of that vocab.txt (line index = id), checked against it too.
/// </summary>
public sealed class MiniLmSymbolTests
{
    private static int[] Ids(params string[] tokens) => MiniLmVocabulary.Ids(tokens);

    [Test]
    public void Symbols_get_hugging_face_ids()
    {
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(RealModels.MiniLm, ImportedMiniLm.Root);

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Tokenize("it costs $5 + tax < 10 ©"), Is.EqualTo(new[] { 101, 2009, 5366, 1002, 1019, 1009, 4171, 1026, 2184, 1075, 102 }));
            Assert.That(embedder.Tokenize("it costs $5 + tax < 10 ©"), Is.EqualTo(Ids("it", "costs", "$", "5", "+", "tax", "<", "10", "©")));
            Assert.That(embedder.Tokenize("C++ and C#"), Is.EqualTo(Ids("c", "+", "+", "and", "c", "#")));
            Assert.That(embedder.Tokenize("100 °C"), Is.EqualTo(Ids("100", "°c")));
            Assert.That(embedder.Tokenize("€"), Is.EqualTo(Ids("€")));
            Assert.That(embedder.Tokenize("I ❤ NY"), Is.EqualTo(Ids("i", "[UNK]", "ny")));
        });
    }
}
