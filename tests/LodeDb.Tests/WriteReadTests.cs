namespace LodeDb.Tests;

public sealed class WriteReadTests
{
    private const int Dim = 32;

    [Test]
    public void AddGetSearchUpsertRemove()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        var random = new Random(3);
        float[] a = Vectors.Random(random, Dim);
        float[] b = Vectors.Random(random, Dim);
        Assert.That(db.AddVector(a, "a", new Dictionary<string, object?> { ["year"] = 2020, ["tags"] = new[] { "x", "y" } }), Is.EqualTo("a"));
        string generated = db.AddVector(b);
        Assert.That(generated, Has.Length.EqualTo(32));

        LodeRecord? record = db.Get("a");
        Assert.That(record!.Metadata["year"], Is.EqualTo(2020L));
        Assert.That(record.Metadata["tags"], Is.EqualTo(new object?[] { "x", "y" }));
        Assert.That(db.Get("missing"), Is.Null);

        IReadOnlyList<SearchHit> hits = db.SearchByVector(a, 2);
        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { "a", generated }));
        Assert.That(hits[0].Score, Is.GreaterThan(0.9f).And.LessThan(1.1f), "scores are cosine similarities");
        Assert.That(hits[0].Metadata["year"], Is.EqualTo(2020L));

        // Same id = replace: the row now answers to b and carries the new metadata.
        db.AddVector(b, "a", new Dictionary<string, object?> { ["year"] = 2021 });
        Assert.That(db.Count(), Is.EqualTo(2));
        Assert.That(db.Get("a")!.Metadata["year"], Is.EqualTo(2021L));
        Assert.That(db.Get("a")!.Metadata.ContainsKey("tags"), Is.False);
        Assert.That(db.SearchByVector(b, 2).Select(h => h.Score), Is.All.GreaterThan(0.9f));

        Assert.That(db.Remove("a"), Is.True);
        Assert.That(db.Remove("a"), Is.False);
        Assert.That(db.Get("a"), Is.Null);
        Assert.That(db.SearchByVector(b, 10).Select(h => h.Id), Is.EqualTo(new[] { generated }));
        Assert.That(db.Count(), Is.EqualTo(1));
    }

    [Test]
    public void KLargerThanTheRowsReturnsFewerNeverPadding()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        Assert.That(db.SearchByVector(Vectors.Random(new Random(1), Dim), 5), Is.Empty);
        db.AddVectors([Vectors.Random(new Random(1), Dim), Vectors.Random(new Random(2), Dim)]);
        Assert.That(db.SearchByVector(Vectors.Random(new Random(3), Dim), 50), Has.Count.EqualTo(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.SearchByVector(Vectors.Random(new Random(3), Dim), 0));
    }

    [Test]
    public void SearchManyMatchesSingleSearches()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, BitWidth = 2 });
        var random = new Random(5);
        db.AddVectors(Enumerable.Range(0, 300).Select(_ => Vectors.Random(random, Dim)).ToArray(),
            metadata: Enumerable.Range(0, 300).Select(i => (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["i"] = i }).ToArray());
        float[][] queries = Enumerable.Range(0, 9).Select(_ => Vectors.Random(random, Dim)).ToArray();
        Filter filter = Filter.Lt("i", 150);
        var batch = db.SearchManyByVector(queries, 7, filter);
        Assert.That(batch, Has.Count.EqualTo(9));
        for (int q = 0; q < queries.Length; q++)
        {
            var single = db.SearchByVector(queries[q], 7, filter);
            Assert.That(batch[q].Select(h => (h.Id, h.Score)), Is.EqualTo(single.Select(h => (h.Id, h.Score))));
            Assert.That(batch[q].Select(h => (long)h.Metadata["i"]!), Is.All.LessThan(150L));
        }

        Assert.That(db.SearchManyByVector([], 3), Is.Empty);
    }

    [Test]
    public void BadVectorsAreRejectedAndNothingIsStored()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        db.AddVector([1, 0, 0, 0], "keep");
        long walBefore = db.Stats().WalBytes;

        var ex = Assert.Throws<ArgumentException>(() => db.AddVector([1, 0, 0], "x"));
        Assert.That(ex!.Message, Does.Contain("3 dimensions").And.Contain("4-dimensional"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVector([], "x"));
        Assert.That(ex!.Message, Does.Contain("empty"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVector([1, float.NaN, 0, 0], "x"));
        Assert.That(ex!.Message, Does.Contain("NaN").And.Contain("coordinate 1"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVector([1, 0, float.PositiveInfinity, 0], "x"));
        Assert.That(ex!.Message, Does.Contain("coordinate 2"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVector([0, 0, 0, 0], "x"));
        Assert.That(ex!.Message, Does.Contain("all zeros"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVectors([]));
        Assert.That(ex!.Message, Does.Contain("at least one"));

        // A batch with one bad row stores none of its rows.
        ex = Assert.Throws<ArgumentException>(() => db.AddVectors([[1, 0, 0, 0], [0, 1, 0, float.NaN]], ["b1", "b2"]));
        Assert.That(ex!.Message, Does.Contain("Vector 1"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVectors([[1, 0, 0, 0], [0, 1, 0, 0]], ["d", "d"]));
        Assert.That(ex!.Message, Does.Contain("twice"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVectors([[1, 0, 0, 0], [0, 1, 0, 0]], ["only-one"]));
        Assert.That(ex!.Message, Does.Contain("1 ids"));
        ex = Assert.Throws<ArgumentException>(() => db.AddVector([1, 0, 0, 0], ""));
        Assert.That(ex!.Message, Does.Contain("non-empty"));

        Assert.That(db.Count(), Is.EqualTo(1));
        Assert.That(db.Get("b1"), Is.Null);
        Assert.That(db.Stats().WalBytes, Is.EqualTo(walBefore), "a rejected write reaches no log");
        Assert.Throws<ArgumentException>(() => db.SearchByVector([1, 0], 1));
        Assert.Throws<ArgumentException>(() => db.SearchByVector([float.NaN, 0, 0, 0], 1));
    }

    [Test]
    public void MetadataIsJsonLikeAndOtherValuesAreRejectedNamingTheKey()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }))
        {
            var metadata = new Dictionary<string, object?>
            {
                ["s"] = "text",
                ["i"] = 42,
                ["big"] = long.MaxValue,
                ["d"] = 2.5,
                ["whole"] = 3.0,
                ["f"] = 0.25f,
                ["b"] = true,
                ["n"] = null,
                ["arr"] = new object?[] { 1, "two", false, null, 1.5 },
            };
            db.AddVector([1, 0, 0, 0], "a", metadata);

            void Rejects(object? value, string expected)
            {
                var ex = Assert.Throws<ArgumentException>(() => db.AddVector([0, 1, 0, 0], "bad", new Dictionary<string, object?> { ["field"] = value }));
                Assert.That(ex!.Message, Does.Contain("'field'").And.Contain(expected));
            }

            Rejects(new object?[] { new Dictionary<string, object?> { ["x"] = 1 } }, "in an array");
            Rejects(new[] { new[] { 1 } }, "nested array");
            Rejects(double.NaN, "finite");
            Rejects(DateTime.UnixEpoch, "DateTime");
            Rejects(new object(), "Object");
            var reserved = Assert.Throws<ArgumentException>(() => db.AddVector([0, 1, 0, 0], "bad", new Dictionary<string, object?> { ["$gt"] = 1 }));
            Assert.That(reserved!.Message, Does.Contain("reserved"));
            Assert.That(db.Get("bad"), Is.Null);
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        var stored = reopened.Get("a")!.Metadata;
        Assert.That(stored["s"], Is.EqualTo("text"));
        Assert.That(stored["i"], Is.EqualTo(42L));
        Assert.That(stored["big"], Is.EqualTo(long.MaxValue));
        Assert.That(stored["d"], Is.EqualTo(2.5));
        Assert.That(stored["whole"], Is.TypeOf<double>().And.EqualTo(3.0));
        Assert.That(stored["f"], Is.EqualTo(0.25));
        Assert.That(stored["b"], Is.EqualTo(true));
        Assert.That(stored["n"], Is.Null);
        Assert.That(stored["arr"], Is.EqualTo(new object?[] { 1L, "two", false, null, 1.5 }));
    }

    [Test]
    public void ListPagesInInsertionOrderAndCountsWithAFilter()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8 });
        var random = new Random(9);
        for (int i = 0; i < 25; i++)
        {
            db.AddVector(Vectors.Random(random, 8), $"r{i}", new Dictionary<string, object?> { ["even"] = i % 2 == 0 });
        }

        db.Remove("r3");
        var all = new List<string>();
        for (int skip = 0; ; skip += 10)
        {
            var page = db.List(skip: skip, take: 10);
            all.AddRange(page.Select(r => r.Id));
            if (page.Count < 10)
            {
                break;
            }
        }

        Assert.That(all, Is.EqualTo(Enumerable.Range(0, 25).Where(i => i != 3).Select(i => $"r{i}")));
        Assert.That(db.List(Filter.Eq("even", true), skip: 2, take: 3).Select(r => r.Id), Is.EqualTo(new[] { "r4", "r6", "r8" }));
        Assert.That(db.Count(Filter.Eq("even", false)), Is.EqualTo(11));
        Assert.That(db.List(take: 0), Is.Empty);
    }

    [Test]
    public void StatsReportCountsAndFiles()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 16, BitWidth = 2 });
        var random = new Random(2);
        db.AddVectors(Enumerable.Range(0, 10).Select(_ => Vectors.Random(random, 16)).ToArray());
        LodeStats stats = db.Stats();
        Assert.That(stats.Count, Is.EqualTo(10));
        Assert.That(stats.SlotCount, Is.EqualTo(10));
        Assert.That((stats.Dimension, stats.BitWidth), Is.EqualTo((16, 2)));
        Assert.That(stats.Generation, Is.EqualTo(1));
        Assert.That(stats.WalRecords, Is.EqualTo(1));
        Assert.That(stats.DiskBytes, Is.GreaterThan(0));
        Assert.That(stats.IndexMemoryBytes, Is.GreaterThan(0));
        Assert.That(stats.SimdLevel, Is.AnyOf("scalar", "avx2", "avx512", "neon"));
        db.Persist();
        Assert.That((db.Stats().Generation, db.Stats().WalRecords), Is.EqualTo((2L, 0L)));
    }

    [Test]
    public void AHandleIsSafeAcrossThreads()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 16, CheckpointEveryRecords = 50 });
        var seed = new Random(4);
        db.AddVectors(Enumerable.Range(0, 100).Select(_ => Vectors.Random(seed, 16)).ToArray());
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 6).Select(t => new Thread(() =>
        {
            try
            {
                var random = new Random(t);
                for (int i = 0; i < 200; i++)
                {
                    if (t < 2)
                    {
                        db.AddVector(Vectors.Random(random, 16), $"t{t}-{i % 40}", new Dictionary<string, object?> { ["t"] = t });
                        if (i % 5 == 0)
                        {
                            db.Remove($"t{t}-{(i + 7) % 40}");
                        }
                    }
                    else
                    {
                        var hits = db.SearchByVector(Vectors.Random(random, 16), 5, Filter.Exists("t", false));
                        Assert.That(hits, Has.Count.EqualTo(5));
                        db.Count(Filter.Eq("t", 1));
                        db.List(take: 20);
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures, Is.Empty);
        Assert.That(db.Count(Filter.Exists("t", false)), Is.EqualTo(100));
    }

    [Test]
    public void ADisposedHandleThrowsObjectDisposed()
    {
        using var folder = new TestFolder();
        var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        db.Dispose();
        db.Dispose();
        Assert.Throws<ObjectDisposedException>(() => db.Count());
        Assert.Throws<ObjectDisposedException>(() => db.AddVector([1, 0, 0, 0]));
    }
}
