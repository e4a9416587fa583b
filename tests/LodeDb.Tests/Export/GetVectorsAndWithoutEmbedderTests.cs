namespace LodeDb.Tests.Export;

/// <summary>
/// The core additions of the CLI's export and model-free commands: <see cref="LodeDatabase.GetVectors"/>
/// (vectors decoded from the re-score sidecar, also after a checkpoint and reopen) and
/// <see cref="LodeDbOptions.WithoutEmbedder"/> (a read-only open that loads no model).
/// </summary>
public sealed class GetVectorsAndWithoutEmbedderTests
{
    private static float[] Unit(int dim, int seed)
    {
        var random = new Random(seed);
        float[] v = [.. Enumerable.Range(0, dim).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    [TestCase(RescoreStorage.Float16, 1e-3)]
    [TestCase(RescoreStorage.Int8, 2e-2)]
    public void Vectors_come_back_from_the_sidecar_to_its_precision_before_and_after_reopen(RescoreStorage kind, double tolerance)
    {
        using var folder = new TestFolder();
        float[] a = Unit(64, 1), b = Unit(64, 2);
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 64, Rescore = kind }))
        {
            db.AddVectors([a, b], ["a", "b"]);
            Assert.That(db.GetVectors("a")!.Single(), Is.EqualTo(a).Within(tolerance));
            Assert.That(db.GetVectors("missing"), Is.Null);
            db.Persist();
        }

        using var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true });
        Assert.That(reopened.GetVectors("b")!.Single(), Is.EqualTo(b).Within(tolerance));
    }

    [Test]
    public void GetWithVectors_pairs_the_current_record_with_its_own_vectors()
    {
        using var folder = new TestFolder();
        float[] first = Unit(16, 4), second = Unit(16, 5);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 16, Rescore = RescoreStorage.Float16 });
        db.AddVector(first, "a", new Dictionary<string, object?> { ["version"] = 1L });

        var (record, vectors) = db.GetWithVectors("a")!.Value;
        Assert.That(record.Metadata["version"], Is.EqualTo(1L));
        Assert.That(vectors.Single(), Is.EqualTo(first).Within(1e-3));

        // Replaced: both halves move to the new version together.
        db.AddVector(second, "a", new Dictionary<string, object?> { ["version"] = 2L });
        (record, vectors) = db.GetWithVectors("a")!.Value;
        Assert.That(record.Metadata["version"], Is.EqualTo(2L));
        Assert.That(vectors.Single(), Is.EqualTo(second).Within(1e-3));

        db.Remove("a");
        Assert.That(db.GetWithVectors("a"), Is.Null);
        Assert.That(db.GetWithVectors("missing"), Is.Null);
    }

    [Test]
    public void Without_a_sidecar_GetVectors_says_the_index_keeps_no_vectors()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8 });
        db.AddVector(Unit(8, 3), "a");

        var error = Assert.Throws<InvalidOperationException>(() => db.GetVectors("a"));
        Assert.That(error!.Message, Does.Contain("no re-score sidecar"));
    }

    [Test]
    public void A_text_document_of_several_chunks_has_one_unit_vector_per_chunk()
    {
        using var folder = new TestFolder();
        LodeDbOptions options = TextFixture.Options(maxChunkChars: 40);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions
        {
            Embedder = options.Embedder,
            ModelName = options.ModelName,
            MaxChunkChars = options.MaxChunkChars,
            Rescore = RescoreStorage.Float16,
        });
        db.Add("The car mechanic fixed the engine. My dog loves puppy food. The physician works at the hospital.", "long");

        IReadOnlyList<float[]> vectors = db.GetVectors("long")!;

        Assert.That(vectors, Has.Count.GreaterThan(1));
        Assert.That(vectors.Select(v => Math.Sqrt(v.Sum(x => (double)x * x))), Has.All.EqualTo(1).Within(2e-3));
        Assert.That(vectors[0], Is.Not.EqualTo(vectors[1]));
    }

    [Test]
    public void WithoutEmbedder_opens_a_custom_index_read_only_with_no_model_and_refuses_other_modes()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options()))
        {
            db.Add("The car mechanic fixed the engine.", "car", new Dictionary<string, object?> { ["year"] = 2024L });
        }

        using (var bare = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true, WithoutEmbedder = true }))
        {
            Assert.That(bare.Count(), Is.EqualTo(1));
            Assert.That(bare.Get("car")!.Metadata["year"], Is.EqualTo(2024L));
            Assert.That(bare.GetText("car"), Is.EqualTo("The car mechanic fixed the engine."));
            Assert.That(bare.ModelName, Is.EqualTo(TextFixture.ModelName));
            Assert.Throws<InvalidOperationException>(() => bare.Search("car"));
        }

        Assert.Throws<ArgumentException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { WithoutEmbedder = true }));
        Assert.Throws<LodeDatabaseException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true }), "without the flag a custom index still needs its embedder");
    }
}
