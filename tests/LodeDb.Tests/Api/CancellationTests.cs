using Microsoft.Extensions.AI;

namespace LodeDb.Tests.Api;

/// <summary>
/// Long batch work cancelled midway: the call throws OperationCanceledException and stores
/// nothing (no row, no log record, nothing after reopening). The embeddings are the fixture
/// model's; the wrapper only cancels the caller's token once the first batch is embedded, so the
/// database and the embedder must notice it themselves.
/// </summary>
public sealed class CancellationTests
{
    /// <summary>Enough texts for several embedder batches (256 texts per call).</summary>
    private static readonly string[] Texts = Enumerable.Range(0, 700).Select(i => $"the car mechanic fixed engine number {i}").ToArray();

    /// <summary>Once armed, cancels the source after the next embedder call returns (its embeddings are real).</summary>
    private sealed class CancelAfterFirstCall(IEmbeddingGenerator<string, Embedding<float>> inner, CancellationTokenSource source) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public bool Armed;

        public int CallsWhileArmed;

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            GeneratedEmbeddings<Embedding<float>> result = await inner.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
            if (Armed && Interlocked.Increment(ref CallsWhileArmed) == 1)
            {
                await source.CancelAsync().ConfigureAwait(false);
            }

            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }

    private static LodeDbOptions Options(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        new() { Embedder = embedder, ModelName = TextFixture.ModelName };

    [Test]
    public async Task A_cancelled_AddMany_throws_and_stores_nothing([Values] bool async)
    {
        using var folder = new TestFolder();
        using var source = new CancellationTokenSource();
        var embedder = new CancelAfterFirstCall(TextFixture.Embedder.Value, source);
        using (var db = LodeDatabase.Open(folder.Path, Options(embedder)))
        {
            db.Add("already here", "kept");
            embedder.Armed = true;
            if (async)
            {
                Assert.CatchAsync<OperationCanceledException>(() => db.AddManyAsync(Texts, cancellationToken: source.Token));
            }
            else
            {
                Assert.Catch<OperationCanceledException>(() => db.AddMany(Texts, cancellationToken: source.Token));
            }

            Assert.That(embedder.CallsWhileArmed, Is.EqualTo(1), "cancelled midway: after the first batch, before the second");
            Assert.That(db.Count(), Is.EqualTo(1), "only the row added before");
            Assert.That(db.Stats().WalRecords, Is.EqualTo(1), "no log record for the cancelled batch");
        }

        using var reopened = LodeDatabase.Open(folder.Path, Options(TextFixture.Embedder.Value));
        Assert.That(reopened.Count(), Is.EqualTo(1));
        Assert.That(reopened.Get("kept"), Is.Not.Null);
        await Task.CompletedTask;
    }

    [Test]
    public void A_cancelled_SearchMany_throws([Values] bool async)
    {
        using var folder = new TestFolder();
        using var source = new CancellationTokenSource();
        var embedder = new CancelAfterFirstCall(TextFixture.Embedder.Value, source);
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        db.AddMany(["a car", "a dog"]);
        embedder.Armed = true;
        if (async)
        {
            Assert.CatchAsync<OperationCanceledException>(() => db.SearchManyAsync(Texts, 2, cancellationToken: source.Token));
        }
        else
        {
            Assert.Catch<OperationCanceledException>(() => db.SearchMany(Texts, 2, cancellationToken: source.Token));
        }

        Assert.That(embedder.CallsWhileArmed, Is.EqualTo(1), "cancelled midway: after the first batch of queries");
    }

    /// <summary>The caller's vectors; reading row <paramref name="cancelAt"/> cancels the source (the database must notice by itself).</summary>
    private sealed class CancellingRows(float[][] rows, int cancelAt, CancellationTokenSource source) : IReadOnlyList<float[]>
    {
        public float[] this[int index]
        {
            get
            {
                if (index == cancelAt)
                {
                    source.Cancel();
                }

                return rows[index];
            }
        }

        public int Count => rows.Length;

        public IEnumerator<float[]> GetEnumerator() => ((IEnumerable<float[]>)rows).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => rows.GetEnumerator();
    }

    private static float[][] RandomRows(int count, int dim, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Vectors.Random(random, dim)).ToArray();
    }

    [Test]
    public void A_cancelled_AddVectorsAsync_throws_and_stores_nothing()
    {
        using var folder = new TestFolder();
        using var source = new CancellationTokenSource();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 16 }))
        {
            db.AddVector(Vectors.Random(new Random(7), 16), "kept");
            var rows = new CancellingRows(RandomRows(20_000, 16, 1), cancelAt: 10_000, source);
            Assert.CatchAsync<OperationCanceledException>(() => db.AddVectorsAsync(rows, cancellationToken: source.Token));
            Assert.That(source.IsCancellationRequested, Is.True, "cancelled midway, while row 10,000 was read");
            Assert.That(db.Count(), Is.EqualTo(1));
            Assert.That(db.Stats().WalRecords, Is.EqualTo(1), "no log record for the cancelled batch");
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_cancelled_SearchManyByVectorAsync_throws_and_an_uncancelled_one_matches_the_sync_call()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 16 });
        db.AddVectors(RandomRows(500, 16, 2));
        float[][] queries = RandomRows(300, 16, 3);

        using var source = new CancellationTokenSource();
        Assert.CatchAsync<OperationCanceledException>(() => db.SearchManyByVectorAsync(new CancellingRows(queries, 150, source), 5, cancellationToken: source.Token));

        IReadOnlyList<IReadOnlyList<SearchHit>> expected = db.SearchManyByVector(queries, 5);
        IReadOnlyList<IReadOnlyList<SearchHit>> got = await db.SearchManyByVectorAsync(queries, 5);
        Assert.That(got.Select(hits => hits.Select(h => (h.Id, h.Score))), Is.EqualTo(expected.Select(hits => hits.Select(h => (h.Id, h.Score)))),
            "slicing the batch for cancellation checks changes no result");
    }
}
