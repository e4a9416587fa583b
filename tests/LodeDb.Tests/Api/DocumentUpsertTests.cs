namespace LodeDb.Tests.Api;

/// <summary>Record-based writes (LodeDocument): text or vectors, one atomic commit, progress, cancellation.</summary>
public sealed class DocumentUpsertTests
{
    /// <summary>Records each report synchronously (Progress&lt;T&gt; would post them later).</summary>
    private sealed class Reports(Action<TextIngestProgress>? onReport = null) : IProgress<TextIngestProgress>
    {
        public List<TextIngestProgress> Seen { get; } = [];

        public void Report(TextIngestProgress value)
        {
            Seen.Add(value);
            onReport?.Invoke(value);
        }
    }

    private static LodeDocument[] TextDocuments(int count) =>
        Enumerable.Range(0, count).Select(i => new LodeDocument
        {
            Id = $"d{i}",
            Text = i % 2 == 0 ? $"the puppy barked at the vet {i}" : $"the car engine needs repair {i}",
            Metadata = new Dictionary<string, object?> { ["i"] = i },
        }).ToArray();

    [Test]
    public async Task Text_documents_are_embedded_in_batches_with_progress_and_committed_once()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        var progress = new Reports();
        IReadOnlyList<string> ids = await db.UpsertAsync(TextDocuments(600), progress);

        Assert.That(ids, Is.EqualTo(Enumerable.Range(0, 600).Select(i => $"d{i}")));
        Assert.That(progress.Seen.Select(p => p.EmbeddedChunks), Is.EqualTo(new[] { 256, 512, 600 }), "one report per embedder batch of 256 chunks");
        Assert.That(progress.Seen.Select(p => p.TotalChunks).Distinct(), Is.EqualTo(new[] { 600 }));
        Assert.That(db.Count(), Is.EqualTo(600));
        Assert.That(db.Stats().WalRecords, Is.EqualTo(1), "one commit");
        Assert.That(db.Search("canine", 1, filter: Filter.Lt("i", 10))[0].Id, Is.AnyOf("d0", "d2", "d4", "d6", "d8"));
        Assert.That(db.Get("d7")!.Metadata["i"], Is.EqualTo(7L));
    }

    [Test]
    public void Vector_documents_are_stored_with_their_captions()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4, StoreText = true });
        db.Upsert([
            new LodeDocument { Id = "a", Vector = new float[] { 1, 0, 0, 0 }, Text = "red bicycle E1234" },
            new LodeDocument { Id = "b", Vector = new float[] { 0, 1, 0, 0 }, Metadata = new Dictionary<string, object?> { ["k"] = "v" } },
        ]);
        Assert.That(db.Search("e1234", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("a"));
        Assert.That(db.GetText("a"), Is.EqualTo("red bicycle E1234"));
        Assert.That(db.SearchByVector([0, 1, 0, 0], 1)[0].Id, Is.EqualTo("b"));
        Assert.That(db.Get("b")!.Metadata["k"], Is.EqualTo("v"));
    }

    [Test]
    public void Mixed_or_empty_documents_are_rejected_and_store_nothing()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.Throws<ArgumentException>(() => db.Upsert([new LodeDocument { Text = "a dog" }, new LodeDocument { Vector = new float[32] }]));
        Assert.Throws<ArgumentException>(() => db.Upsert([new LodeDocument { Id = "nothing" }]));
        Assert.Throws<ArgumentException>(() => db.Upsert([]));
        Assert.That(db.Count(), Is.EqualTo(0));
    }

    [Test]
    public void Cancelling_from_the_progress_callback_stores_nothing()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options());
        using var source = new CancellationTokenSource();
        var progress = new Reports(_ => source.Cancel());
        Assert.CatchAsync<OperationCanceledException>(() => db.UpsertAsync(TextDocuments(600), progress, source.Token));
        Assert.That(progress.Seen, Has.Count.EqualTo(1), "stopped after the first batch");
        Assert.That(db.Count(), Is.EqualTo(0));
        Assert.That(db.Stats().WalRecords, Is.EqualTo(0));
    }
}
