namespace LodeDb.Embeddings.Onnx.Tests;

public sealed class TruncationTests
{
    private static string LongText(int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(i => (i % 4) switch { 0 => "car", 1 => "engine", 2 => "repair", _ => "the" }));

    [Test]
    public void Long_text_is_cut_to_max_length_keeping_cls_first_and_sep_last()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = 10 });
        using var untruncated = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = 1000 });
        string text = LongText(50);

        IReadOnlyList<int> ids = embedder.Tokenize(text);
        IReadOnlyList<int> full = untruncated.Tokenize(text);

        Assert.Multiple(() =>
        {
            Assert.That(full, Has.Count.EqualTo(52));
            Assert.That(ids, Has.Count.EqualTo(10));
            Assert.That(ids[0], Is.EqualTo(full[0]), "[CLS]");
            Assert.That(ids[^1], Is.EqualTo(full[^1]), "[SEP]");
            Assert.That(ids.Skip(1).Take(8), Is.EqualTo(full.Skip(1).Take(8)), "the first 8 word pieces");
        });
    }

    [Test]
    public void Truncated_text_embeds_like_its_kept_prefix()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = 10 });

        float[][] v = embedder.Embed([LongText(50), LongText(8), LongText(9)]);

        Assert.Multiple(() =>
        {
            Assert.That(VectorMath.MaxAbsDifference(v[0], v[1]), Is.LessThan(1e-6));
            Assert.That(VectorMath.MaxAbsDifference(v[0], v[2]), Is.LessThan(1e-6), "a 9th word is cut too");
        });
    }

    [Test]
    public void Default_max_length_is_256_and_keeps_texts_longer_than_the_model_positions_working()
    {
        // The fixture has 512 position embeddings: 600 tokens untruncated would fail in the model.
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        string text = LongText(600);

        Assert.Multiple(() =>
        {
            Assert.That(embedder.MaxSequenceLength, Is.EqualTo(256));
            Assert.That(embedder.Tokenize(text), Has.Count.EqualTo(256));
            Assert.That(VectorMath.Norm(embedder.Embed([text])[0]), Is.EqualTo(1.0).Within(1e-6));
        });
    }

    [Test]
    public void Sub_word_pieces_count_towards_the_limit()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = 4 });

        // "mechanics" = mechanic ##s: the limit is on word pieces, not words.
        IReadOnlyList<int> ids = embedder.Tokenize("mechanics repair");
        using var wide = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(ids, Is.EqualTo(wide.Tokenize("mechanics")));
    }

    [TestCase(1)]
    [TestCase(0)]
    public void Max_length_below_two_is_rejected(int length)
    {
        Assert.That(() => new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = length }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
