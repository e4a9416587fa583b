namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>
/// The embedder against expected.json, which the fixture script computed with numpy from the
/// same weights (tokenize -> the graph's math -> pool -> normalise), without ONNX Runtime.
/// </summary>
public sealed class ReferenceTests
{
    private const double Tolerance = 1e-5;

    public static IEnumerable<TestCaseData> Cases() =>
        ExpectedOutputs.Cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Text.Length > 40 ? c.Text[..40] : c.Text));

    [TestCaseSource(nameof(Cases))]
    public void Token_ids_match_the_reference_word_piece_tokenizer(ExpectedCase expected)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = expected.MaxLength });

        Assert.That(embedder.Tokenize(expected.Text), Is.EqualTo(expected.InputIds));
    }

    [TestCaseSource(nameof(Cases))]
    public void Mean_pooled_vector_matches_the_reference_to_1e5(ExpectedCase expected)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = expected.MaxLength, Pooling = PoolingMode.Mean });

        float[] vector = embedder.Embed([expected.Text])[0];

        Assert.That(VectorMath.MaxAbsDifference(vector, expected.Mean), Is.LessThan(Tolerance));
    }

    [TestCaseSource(nameof(Cases))]
    public void Cls_pooled_vector_matches_the_reference_to_1e5(ExpectedCase expected)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { MaxSequenceLength = expected.MaxLength, Pooling = PoolingMode.Cls });

        float[] vector = embedder.Embed([expected.Text])[0];

        Assert.That(VectorMath.MaxAbsDifference(vector, expected.Cls), Is.LessThan(Tolerance));
    }

    [Test]
    public void Reference_batch_in_one_call_matches_every_case()
    {
        // All default-length cases in one padded batch: padding must not leak into any vector.
        ExpectedCase[] cases = ExpectedOutputs.Cases.Where(c => c.MaxLength == OnnxTextEmbedderOptions.DefaultMaxSequenceLength).ToArray();
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        float[][] vectors = embedder.Embed(cases.Select(c => c.Text).ToArray());

        for (int i = 0; i < cases.Length; i++)
        {
            Assert.That(VectorMath.MaxAbsDifference(vectors[i], cases[i].Mean), Is.LessThan(Tolerance), cases[i].Text);
        }
    }

    [Test]
    public void Mean_and_cls_pooling_differ_and_both_are_unit_length()
    {
        ExpectedCase sample = ExpectedOutputs.Cases[3];
        using var mean = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        using var cls = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { Pooling = PoolingMode.Cls });

        float[] a = mean.Embed([sample.Text])[0];
        float[] b = cls.Embed([sample.Text])[0];

        Assert.Multiple(() =>
        {
            Assert.That(VectorMath.Norm(a), Is.EqualTo(1.0).Within(1e-6));
            Assert.That(VectorMath.Norm(b), Is.EqualTo(1.0).Within(1e-6));
            Assert.That(VectorMath.MaxAbsDifference(a, b), Is.GreaterThan(1e-3));
        });
    }
}
