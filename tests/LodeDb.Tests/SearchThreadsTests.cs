namespace LodeDb.Tests;

/// <summary><see cref="LodeDbOptions.SearchThreads"/>: a per-handle choice that never changes results.</summary>
public sealed class SearchThreadsTests
{
    private const int Dim = 48;

    [Test]
    public void EveryThreadCountGivesTheSameHitsAndScores()
    {
        using var folder = new TestFolder();
        var random = new Random(11);
        float[][] vectors = Enumerable.Range(0, 3000).Select(_ => Vectors.Random(random, Dim)).ToArray();
        float[][] queries = Enumerable.Range(0, 20).Select(_ => Vectors.Random(random, Dim)).ToArray();
        using (var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }))
        {
            writer.AddVectors(vectors, Enumerable.Range(0, vectors.Length).Select(i => (string?)("v" + i)).ToArray());
        }

        IReadOnlyList<IReadOnlyList<SearchHit>>? reference = null;
        foreach (int? threads in new int?[] { 1, 2, 3, 8, null })
        {
            using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true, SearchThreads = threads });
            IReadOnlyList<IReadOnlyList<SearchHit>> batch = db.SearchManyByVector(queries, 10);
            IReadOnlyList<SearchHit> single = db.SearchByVector(queries[0], 10);
            Assert.That(single.Select(h => (h.Id, h.Score)), Is.EqualTo(batch[0].Select(h => (h.Id, h.Score))));
            reference ??= batch;
            for (int q = 0; q < queries.Length; q++)
            {
                Assert.That(batch[q].Select(h => (h.Id, h.Score)), Is.EqualTo(reference[q].Select(h => (h.Id, h.Score))), $"threads {threads}, query {q}");
            }
        }
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(LodeDatabase.MaxSearchThreads + 1)]
    public void AnOutOfRangeThreadCountIsRejectedBeforeTheFolderIsTouched(int threads)
    {
        using var folder = new TestFolder();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, SearchThreads = threads }))!;
        Assert.That(error.Message, Does.Contain("SearchThreads"));
        Assert.That(Directory.Exists(folder.Path), Is.False);
    }
}
