namespace LodeDb.Tests.Async;

/// <summary>The async forms of the vector operations: same results as the sync forms, argument errors on the caller's thread, cancellation before the work starts.</summary>
public sealed class VectorAsyncTests
{
    private static float[] Vector(int seed, int dim = 8)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, dim).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    [Test]
    public async Task AsyncVectorOperationsMatchTheSyncOnes()
    {
        using var asyncFolder = new TestFolder();
        using var syncFolder = new TestFolder();
        using LodeDatabase viaAsync = LodeDatabase.Open(asyncFolder.Path, new LodeDbOptions { VectorDim = 8 });
        using LodeDatabase viaSync = LodeDatabase.Open(syncFolder.Path, new LodeDbOptions { VectorDim = 8 });

        Assert.That(await viaAsync.AddVectorAsync(Vector(1), "one", new Dictionary<string, object?> { ["n"] = 1L }), Is.EqualTo("one"));
        viaSync.AddVector(Vector(1), "one", new Dictionary<string, object?> { ["n"] = 1L });
        float[][] batch = Enumerable.Range(2, 20).Select(seed => Vector(seed)).ToArray();
        string[] ids = Enumerable.Range(2, 20).Select(i => $"v{i}").ToArray();
        Assert.That(await viaAsync.AddVectorsAsync(batch, ids), Is.EqualTo(ids));
        viaSync.AddVectors(batch, ids);
        Assert.That(await viaAsync.RemoveAsync("v5"), Is.True);
        Assert.That(await viaAsync.RemoveAsync("v5"), Is.False);
        viaSync.Remove("v5");
        await viaAsync.PersistAsync();
        viaSync.Persist();

        Assert.That(viaAsync.Stats().WalRecords, Is.Zero);
        var filter = Filter.Eq("n", 1);
        Assert.That(Describe(await viaAsync.SearchByVectorAsync(Vector(99), k: 5)), Is.EqualTo(Describe(viaSync.SearchByVector(Vector(99), k: 5))));
        Assert.That(Describe(await viaAsync.SearchByVectorAsync(Vector(99), k: 5, filter)), Is.EqualTo(new[] { Describe(viaSync.SearchByVector(Vector(99), k: 5, filter)).Single() }));
        float[][] queries = [Vector(100), Vector(101), Vector(102)];
        IReadOnlyList<IReadOnlyList<SearchHit>> many = await viaAsync.SearchManyByVectorAsync(queries, k: 4);
        Assert.That(many.Select(Describe), Is.EqualTo(viaSync.SearchManyByVector(queries, k: 4).Select(Describe)));
        Assert.That(await viaAsync.SearchManyByVectorAsync([], k: 4), Is.Empty);
    }

    [Test]
    public void ArgumentErrorsAreThrownBeforeATaskExists()
    {
        using var folder = new TestFolder();
        using LodeDatabase db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8 });
        Assert.Throws<ArgumentException>(() => db.AddVectorAsync(new float[3]));
        Assert.Throws<ArgumentException>(() => db.AddVectorsAsync([Vector(1), Vector(2)], ["same", "same"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.SearchByVectorAsync(Vector(1), k: 0));
        Assert.Throws<ArgumentException>(() => db.SearchManyByVectorAsync([Vector(1), null!]));
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void ReadOnlyHandlesRefuseAsyncWrites()
    {
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8 }).Dispose();
        using LodeDatabase db = LodeDatabase.OpenReadOnly(folder.Path);
        Assert.Throws<ReadOnlyException>(() => db.AddVectorAsync(Vector(1)));
        Assert.Throws<ReadOnlyException>(() => db.AddVectorsAsync([Vector(1)]));
        Assert.Throws<ReadOnlyException>(() => db.RemoveAsync("x"));
        Assert.Throws<ReadOnlyException>(() => db.PersistAsync());
    }

    [Test]
    public void ACancelledTokenStoresNothing()
    {
        using var folder = new TestFolder();
        using LodeDatabase db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8 });
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => db.AddVectorAsync(Vector(1), "one", cancellationToken: cancelled.Token));
        Assert.CatchAsync<OperationCanceledException>(() => db.AddVectorsAsync([Vector(2)], ["two"], cancellationToken: cancelled.Token));
        Assert.CatchAsync<OperationCanceledException>(() => db.SearchByVectorAsync(Vector(3), cancellationToken: cancelled.Token));
        Assert.That(db.Count(), Is.Zero);
        Assert.That(db.Stats().WalRecords, Is.Zero);
    }

    private static string[] Describe(IReadOnlyList<SearchHit> hits) => hits.Select(hit => $"{hit.Id}:{hit.Score:R}").ToArray();
}
