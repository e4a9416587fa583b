namespace LodeDb.Tests;

/// <summary>
/// Readers and the generation sweep: a read-only open always gets a consistent generation while
/// a writer checkpoints in a tight loop, and a generation is deleted as soon as no reader pins it.
/// </summary>
[NonParallelizable]
public sealed class ReaderPinTests
{
    private const int Dim = 8;

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void ReadersAreNeverStarvedByAWriterCheckpointingInATightLoop(CommitMode mode)
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = mode, CheckpointEveryRecords = 2 });
        writer.AddVector(Vectors.Random(new Random(0), Dim), "r0");
        using var stop = new CancellationTokenSource();
        int written = 1;
        var writing = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                writer.AddVector(Vectors.Random(new Random(written), Dim), $"r{written}");
                Interlocked.Increment(ref written);
                writer.Persist();
            }
        });

        try
        {
            for (int open = 0; open < 40; open++)
            {
                // Each open overlaps fresh checkpoints (no timing: wait for the writer to move on).
                int seen = Volatile.Read(ref written);
                Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref written) > seen + 1 || writing.IsCompleted, TimeSpan.FromSeconds(30)), Is.True, "the writer stalled");
                Assert.That(writing.IsFaulted, Is.False, () => writing.Exception!.ToString());
                using var reader = LodeDatabase.OpenReadOnly(folder.Path);
                // A consistent generation: a gap-free prefix of the writer's sequence.
                int count = (int)reader.Count();
                Assert.That(count, Is.GreaterThan(0));
                Assert.That(reader.List(take: int.MaxValue).Select(r => r.Id), Is.EquivalentTo(Enumerable.Range(0, count).Select(i => $"r{i}")), $"open {open}");
            }
        }
        finally
        {
            stop.Cancel();
            writing.Wait();
        }
    }

    [Test]
    public void APinnedGenerationStaysAndIsSweptOnceReleased()
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8 });
        writer.AddVector(Vectors.Random(new Random(1), Dim), "a");
        writer.Persist();
        long pinned = writer.Stats().Generation;
        IDisposable? pin = GenerationFiles.TryPin(folder.Path, [pinned]);
        Assert.That(pin, Is.Not.Null);
        writer.AddVector(Vectors.Random(new Random(2), Dim), "b");
        writer.Persist();
        Assert.That(Directory.GetFiles(folder.Path, $"index.g{pinned}.*").Length, Is.GreaterThan(1), "a reader's pinned generation is kept");

        pin!.Dispose();
        writer.AddVector(Vectors.Random(new Random(3), Dim), "c");
        writer.Persist();
        long current = writer.Stats().Generation;
        var generations = Directory.GetFiles(folder.Path, "index.g*").Select(f => GenerationFiles.GenerationOf(Path.GetFileName(f))).Distinct();
        Assert.That(generations, Is.EqualTo(new[] { current }), "every unpinned old generation is deleted at the checkpoint");
    }

    [Test]
    public void AfterPersistTheFolderHoldsOnlyTheLiveGeneration()
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8 });
        for (int i = 0; i < 5; i++)
        {
            writer.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}");
            writer.Persist();
        }

        using (LodeDatabase.OpenReadOnly(folder.Path))
        {
            // A reader's pin lasts while it loads: an open handle holds no generation on disk.
        }

        writer.AddVector(Vectors.Random(new Random(9), Dim), "r9");
        writer.Persist();
        string[] files = Directory.GetFiles(folder.Path, "index.g*").Select(f => Path.GetFileName(f)!).Order().ToArray();
        long g = writer.Stats().Generation;
        Assert.That(files.Where(f => !f.EndsWith(".pin", StringComparison.Ordinal)),
            Is.EquivalentTo(new[] { $"index.g{g}.codes", $"index.g{g}.rows", $"index.g{g}.rescore", $"index.g{g}.wal" }));
    }
}
