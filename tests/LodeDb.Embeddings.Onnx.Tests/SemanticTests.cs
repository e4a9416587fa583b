namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>The fixture carries meaning by construction: synonyms with no shared token land together.</summary>
public sealed class SemanticTests
{
    [Test]
    public void Automobile_repair_is_nearest_to_car_mechanic_although_they_share_no_token()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        string query = "automobile repair";
        string[] documents = ["dog food", "car mechanic", "my doctor at the hospital", "pizza recipe for dinner", "the bank loan"];

        IReadOnlyList<int> queryTokens = embedder.Tokenize(query);
        IReadOnlyList<int> hitTokens = embedder.Tokenize("car mechanic");
        float[] q = embedder.Embed([query], EmbeddingPurpose.Query)[0];
        float[][] d = embedder.Embed(documents);
        double[] scores = d.Select(v => VectorMath.Cosine(q, v)).ToArray();

        Assert.Multiple(() =>
        {
            // Only [CLS] and [SEP] in common: a lexical ranker has nothing to match on.
            Assert.That(queryTokens.Intersect(hitTokens), Is.EquivalentTo(new[] { queryTokens[0], queryTokens[^1] }));
            Assert.That(Array.IndexOf(scores, scores.Max()), Is.EqualTo(1), $"scores: {string.Join(", ", scores.Select(s => s.ToString("F3")))}");
            Assert.That(scores[1], Is.GreaterThan(scores[0] + 0.2), "car mechanic must beat dog food by a margin");
        });
    }

    [TestCase("puppy", "canine", "engine")]
    [TestCase("physician", "nurse", "guitar")]
    [TestCase("storm", "rain", "loan")]
    public void Words_of_one_topic_are_nearer_than_words_of_another(string word, string synonym, string other)
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        float[][] v = embedder.Embed([word, synonym, other]);

        Assert.That(VectorMath.Cosine(v[0], v[1]), Is.GreaterThan(VectorMath.Cosine(v[0], v[2])));
    }
}
