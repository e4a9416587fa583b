namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>
/// BERT's basic tokenizer (Hugging Face BasicTokenizer._clean_text, and the tokenizers library's
/// BertNormalizer) drops every "other" character (categories Cc, Cf, Co, Cn; tab, LF and CR
/// excepted) before splitting words, so a soft hyphen or a zero-width character inside a word
/// leaves the word whole. Microsoft.ML.Tokenizers split the word there instead, so such text
/// embedded unlike the reference model.
/// </summary>
public sealed class CleanTextTests
{
    [TestCase("re\u00ADpair the car", "repair the car", TestName = "soft hyphen")]
    [TestCase("re\u200Bpair the car", "repair the car", TestName = "zero-width space")]
    [TestCase("re\u200Dpair the car", "repair the car", TestName = "zero-width joiner")]
    [TestCase("re\uFEFFpair the car", "repair the car", TestName = "zero-width no-break space")]
    [TestCase("re\u200Fpair the car", "repair the car", TestName = "right-to-left mark")]
    [TestCase("re\uE000pair the car", "repair the car", TestName = "private use character")]
    public void Invisible_characters_inside_a_word_are_dropped_as_bert_clean_text_does(string text, string same)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Tokenize(text), Is.EqualTo(embedder.Tokenize(same)));
        float[][] vectors = embedder.Embed([text, same]);
        Assert.That(VectorMath.MaxAbsDifference(vectors[0], vectors[1]), Is.Zero);
    }
}
