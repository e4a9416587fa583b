namespace LodeDb.Tests.Async;

/// <summary>
/// The cancellation token of the long sync calls (Open, Verify, Repair, Persist, AddVectors,
/// SearchManyByVector, RemoveMany, RemoveWhere, a collection's Open and Space): a cancelled call
/// throws <see cref="OperationCanceledException"/> and leaves nothing partial behind; a reopen
/// sees exactly what was there before.
/// </summary>
public sealed class SyncCancellationTests
{
    private const int Dim = 8;

    private static float[] Vector(int seed) => Vectors.Random(new Random(seed), Dim);

    /// <summary>Rows that cancel <paramref name="source"/> when row <paramref name="at"/> is read: a cancellation midway through a batch.</summary>
    private sealed class CancellingRows(int count, int at, CancellationTokenSource source) : IReadOnlyList<float[]>
    {
        public int Count => count;

        public float[] this[int index]
        {
            get
            {
                if (index == at)
                {
                    source.Cancel();
                }

                return Vector(index);
            }
        }

        public IEnumerator<float[]> GetEnumerator() => Enumerable.Range(0, count).Select(i => this[i]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Test]
    public void AddVectorsCancelledMidwayStoresNothing()
    {
        using var folder = new TestFolder();
        using (LodeDatabase db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }))
        {
            db.AddVector(Vector(-1), "before");
            using var cts = new CancellationTokenSource();
            var rows = new CancellingRows(5000, 1500, cts);
            string[] ids = Enumerable.Range(0, rows.Count).Select(i => $"r{i}").ToArray();
            Assert.Throws<OperationCanceledException>(() => db.AddVectors(rows, ids, cancellationToken: cts.Token));
            Assert.That(cts.IsCancellationRequested, Is.True, "the batch was cancelled while it was read");
            Assert.That(db.Count(), Is.EqualTo(1));
            Assert.That(db.Stats().WalRecords, Is.EqualTo(1), "nothing of the cancelled batch reached the log");
        }

        using LodeDatabase reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(1));
        Assert.That(reopened.Contains("before"), Is.True);
        Assert.That(reopened.Contains("r0"), Is.False);
    }

    [Test]
    public void CancelledTokensStopWritesBeforeTheirCommit()
    {
        using var folder = new TestFolder();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using (LodeDatabase db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CheckpointEveryRecords = 100_000 }))
        {
            db.AddVectors([Vector(1), Vector(2), Vector(3)], ["a", "b", "c"]);
            Assert.Throws<OperationCanceledException>(() => db.AddVectors([Vector(4)], ["d"], cancellationToken: cancelled.Token));
            Assert.Throws<OperationCanceledException>(() => db.RemoveMany(["a", "b"], cancelled.Token));
            Assert.Throws<OperationCanceledException>(() => db.RemoveWhere(Filter.Eq("x", 1), cancelled.Token));
            long generation = db.Stats().Generation;
            Assert.Throws<OperationCanceledException>(() => db.Persist(cancelled.Token));
            Assert.That(db.Stats().Generation, Is.EqualTo(generation), "a cancelled Persist starts no checkpoint");
            Assert.That(db.Stats().WalRecords, Is.EqualTo(1));
            Assert.That(db.Count(), Is.EqualTo(3));
        }

        using LodeDatabase reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(3));
        Assert.That(reopened.Contains("d"), Is.False);
    }

    [Test]
    public void SearchManyByVectorCancelledMidwayThrowsAndAnUncancelledOneMatchesTheAsyncForm()
    {
        using var folder = new TestFolder();
        using LodeDatabase db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        db.AddVectors(Enumerable.Range(0, 300).Select(Vector).ToArray());
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => db.SearchManyByVector(new CancellingRows(4000, 2000, cts), k: 3, cancellationToken: cts.Token));

        float[][] queries = Enumerable.Range(1000, 200).Select(Vector).ToArray();
        using var live = new CancellationTokenSource();
        IReadOnlyList<IReadOnlyList<SearchHit>> sliced = db.SearchManyByVector(queries, k: 5, cancellationToken: live.Token);
        IReadOnlyList<IReadOnlyList<SearchHit>> whole = db.SearchManyByVector(queries, k: 5);
        Assert.That(sliced.Select(hits => hits.Select(h => (h.Id, h.Score))), Is.EqualTo(whole.Select(hits => hits.Select(h => (h.Id, h.Score)))),
            "slices of 64 queries give the bytes of one batch");
    }

    [Test]
    public void OpenVerifyAndRepairWithACancelledTokenChangeNothingOnDisk()
    {
        using TestFolder folder = WalDamageTests.WriteLog(200, out _);
        var before = FolderSnapshot.Take(folder.Path);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => LodeDatabase.Open(folder.Path, cancellationToken: cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => LodeDatabase.OpenReadOnly(folder.Path, cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => LodeDatabase.Verify(folder.Path, cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => LodeDatabase.Repair(folder.Path, cancellationToken: cancelled.Token));
        Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before), "a cancelled open, verify or repair writes nothing");
        Assert.That(Directory.GetDirectories(folder.Path), Is.Empty, "no repair folder");

        Assert.That(LodeDatabase.Verify(folder.Path).Problems.Where(p => p.IsDamage), Is.Empty);
        using LodeDatabase reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(200), "the log replays in full after the cancelled opens");
    }

    [Test]
    public void OpenWaitingForTheWriterLockStopsWhenCancelled()
    {
        using var folder = new TestFolder();
        using LodeDatabase writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { LockTimeout = TimeSpan.FromMinutes(5) }, cts.Token));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMinutes(4)), "the wait ended on the token, not on the lock timeout");
        writer.AddVector(Vector(1), "still-writable");
        Assert.That(writer.Count(), Is.EqualTo(1));
    }

    [Test]
    public void CollectionSpaceWithACancelledTokenRecordsNothing()
    {
        using var folder = new TestFolder();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using (LodeCollection collection = LodeCollection.Open(folder.Path))
        {
            Assert.Throws<OperationCanceledException>(() => collection.Space("vectors", new LodeDbOptions { VectorDim = Dim }, cancelled.Token));
            Assert.That(collection.Contains("vectors"), Is.False);
            collection.Space("vectors", new LodeDbOptions { VectorDim = Dim }).AddVector(Vector(1), "one");
        }

        using LodeCollection reopened = LodeCollection.Open(folder.Path);
        Assert.That(reopened.Space("vectors").Count(), Is.EqualTo(1));
    }
}
