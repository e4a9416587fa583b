namespace LodeDb.Native.Tests;

public sealed class LifetimeTests
{
    private const int Dim = 64;

    [Test]
    public void DisposeTwiceIsHarmless()
    {
        var index = NativeIndex.Create(Dim, 4, seed: 1);
        index.Dispose();
        Assert.DoesNotThrow(index.Dispose);
        Assert.That(index.IsDisposed, Is.True);

        string path = TestVectors.TempPath("twice.wal");
        try
        {
            var wal = NativeWal.Open(path);
            wal.Dispose();
            Assert.DoesNotThrow(wal.Dispose);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void UseAfterDisposeThrowsObjectDisposed()
    {
        var index = NativeIndex.Create(Dim, 4, seed: 1);
        float[] v = TestVectors.Normalised(1, Dim, seed: 1);
        index.Add(v);
        index.Dispose();
        Assert.Multiple(() =>
        {
            Assert.Throws<ObjectDisposedException>(() => _ = index.Info);
            Assert.Throws<ObjectDisposedException>(() => index.Add(v));
            Assert.Throws<ObjectDisposedException>(() => index.Search(v, 1));
            Assert.Throws<ObjectDisposedException>(() => index.Remove(0));
            Assert.Throws<ObjectDisposedException>(() => index.Serialize());
        });

        string path = TestVectors.TempPath("after.wal");
        try
        {
            var wal = NativeWal.Open(path);
            wal.Dispose();
            Assert.Throws<ObjectDisposedException>(() => wal.Append("x"u8));
            Assert.Throws<ObjectDisposedException>(() => _ = wal.Size);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void DisposeWhileSearchingDoesNotCrash()
    {
        // Searches hold a SafeHandle reference: Dispose marks the handle closed and the free runs
        // when the last in-flight search returns. Every search either completes or throws
        // ObjectDisposedException; none may touch freed memory (that would crash the process).
        for (int round = 0; round < 5; round++)
        {
            var index = NativeIndex.Create(Dim, 4, seed: (ulong)round);
            float[] vectors = TestVectors.Normalised(4000, Dim, seed: round);
            index.Add(vectors);
            // Each searcher signals after its first completed search and goes on searching, so
            // Dispose lands while both loop (no sleep: the wait is on the searches themselves).
            using var searched = new CountdownEvent(2);
            int completed = 0;
            var searchers = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
            {
                bool signalled = false;
                try
                {
                    while (true)
                    {
                        index.Search(vectors.AsSpan(t * Dim, Dim), 10);
                        Interlocked.Increment(ref completed);
                        if (!signalled)
                        {
                            signalled = true;
                            searched.Signal();
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                }
            })).ToArray();
            Assert.That(searched.Wait(TimeSpan.FromSeconds(30)), Is.True, "both searchers completed a search");
            index.Dispose();
            Assert.That(Task.WaitAll(searchers, TimeSpan.FromSeconds(30)), Is.True);
            Assert.That(completed, Is.GreaterThan(0));
        }
    }
}
