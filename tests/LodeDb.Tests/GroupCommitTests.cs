using LodeDb.Native;

namespace LodeDb.Tests;

/// <summary>
/// Group commit (Durability.Fsync, WAL mode): concurrent writers share an fdatasync, a write
/// returns only after a sync that covers its record succeeded, a failed sync reaches every
/// waiting writer and stops the handle, and checkpoints with writers still waiting keep every
/// write. The sync is observed (and, to fail it, replaced) through CommitLog.LogSync.
/// </summary>
public sealed class GroupCommitTests
{
    private const int Dim = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static LodeDbOptions Options(int checkpointEvery = 100_000) => new()
    {
        VectorDim = Dim,
        CommitMode = CommitMode.Wal,
        Durability = Durability.Fsync,
        CheckpointEveryRecords = checkpointEvery,
    };

    private static float[] VectorOf(string id) => Vectors.Random(new Random(id.GetHashCode(StringComparison.Ordinal)), Dim);

    /// <summary>
    /// Runs body(0..count-1) on that many dedicated threads at once (not the thread pool, which
    /// on 2 cores would start threads slowly while some wait in a held sync); rethrows failures.
    /// </summary>
    private static void OnThreads(int count, Action<int> body)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try
            {
                body(i);
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (!failures.IsEmpty)
        {
            throw new AggregateException(failures);
        }
    }

    [Test]
    public void EachLoneFsyncAddIsSyncedBeforeItReturns()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, Options());
        int syncs = 0;
        using var release = new ManualResetEventSlim();
        db.Log.LogSync = wal =>
        {
            Interlocked.Increment(ref syncs);
            Assert.That(release.Wait(Patience), Is.True, "the test never released the sync");
            wal.Sync();
        };

        Task add = Task.Factory.StartNew(() => db.AddVector(VectorOf("a"), "a"), TaskCreationOptions.LongRunning);
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref syncs) == 1, Patience), Is.True, "no sync started");
        // The record is written and applied, its sync is held: the call must not have returned.
        Assert.That(add.IsCompleted, Is.False, "an Fsync add returned before its fdatasync");
        // Visible before durable (docs/engine.md): a concurrent reader already sees the row.
        Assert.That(db.Get("a"), Is.Not.Null);
        release.Set();
        add.Wait(Patience);
        Assert.That(add.IsCompletedSuccessfully, Is.True);

        for (int i = 0; i < 5; i++)
        {
            db.AddVector(VectorOf($"b{i}"), $"b{i}");
        }

        Assert.That(syncs, Is.EqualTo(6), "one writer at a time: one fdatasync per add");
        Assert.That(db.Log.Group.DurableCount, Is.EqualTo(db.Log.Group.AppendedCount));
    }

    [Test]
    public void ConcurrentFsyncWritersShareAnFdatasync()
    {
        const int writers = 8;
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, Options()))
        {
            int syncs = 0;
            db.Log.LogSync = wal =>
            {
                if (Interlocked.Increment(ref syncs) == 1)
                {
                    // Hold the first sync until every writer's record is written: they all wait meanwhile.
                    Assert.That(SpinWait.SpinUntil(() => db.Log.Group.AppendedCount == writers, Patience), Is.True, "the other writers never appended");
                }

                wal.Sync();
            };

            OnThreads(writers, w => db.AddVector(VectorOf($"w{w}"), $"w{w}"));
            // The first sync covers at least the leader's record, a second one every record written
            // while the first ran: never one per writer.
            Assert.That(syncs, Is.InRange(1, 2), $"{writers} concurrent adds took {syncs} fdatasyncs");
            Assert.That(db.Log.Group.DurableCount, Is.EqualTo(writers));
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(writers));
    }

    [Test]
    public void AFailedFdatasyncReachesEveryWaitingWriterAndStopsTheHandle()
    {
        const int writers = 6;
        using var folder = new TestFolder();
        int acknowledged = 0;
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using (var db = LodeDatabase.Open(folder.Path, Options()))
        {
            db.AddVector(VectorOf("before"), "before"); // durable before the failure
            db.Log.LogSync = _ =>
            {
                Assert.That(SpinWait.SpinUntil(() => db.Log.Group.AppendedCount == writers + 1, Patience), Is.True, "the other writers never appended");
                throw new IOException("injected fdatasync failure (EIO)");
            };

            OnThreads(writers, w =>
            {
                try
                {
                    db.AddVector(VectorOf($"w{w}"), $"w{w}");
                    Interlocked.Increment(ref acknowledged);
                }
                catch (Exception ex)
                {
                    errors.Add(ex);
                }
            });

            Assert.That(acknowledged, Is.Zero, "a write was acknowledged although its fdatasync failed");
            Assert.That(errors, Has.Count.EqualTo(writers));
            foreach (Exception error in errors)
            {
                Assert.That(error, Is.TypeOf<LodeDatabaseException>());
                Assert.That(error.Message, Does.Contain("fdatasync failed").And.Contain("injected"));
                Assert.That(error.InnerException, Is.TypeOf<IOException>());
            }

            // The handle is stopped: no later write, removal or checkpoint, and no search of a
            // state the disk may not have.
            var later = Assert.Throws<LodeDatabaseException>(() => db.AddVector(VectorOf("after"), "after"));
            Assert.That(later!.Message, Does.Contain("stopped after a failed commit"));
            Assert.Throws<LodeDatabaseException>(() => db.Remove("before"));
            Assert.Throws<LodeDatabaseException>(() => db.Persist());
            Assert.Throws<LodeDatabaseException>(() => db.SearchByVector(VectorOf("before"), 1));
        }

        // What the failed syncs covered was never acknowledged: after reopening it may be there
        // or not (each row whole); the write acknowledged before the failure is.
        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Get("before"), Is.Not.Null);
        Assert.That(reopened.Get("after"), Is.Null);
        foreach (LodeRecord row in reopened.List(take: 100))
        {
            Assert.That(reopened.SearchByVector(VectorOf(row.Id), 1)[0].Id, Is.EqualTo(row.Id));
        }
    }

    [Test]
    public void CheckpointsWithWritersWaitingKeepEveryWrite()
    {
        const int writers = 6, perWriter = 40;
        using var folder = new TestFolder();
        var expected = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using (var db = LodeDatabase.Open(folder.Path, Options(checkpointEvery: 7)))
        {
            using var stop = new CancellationTokenSource();
            // Explicit checkpoints as well, racing the writers' own every 7 records.
            Task persisting = Task.Factory.StartNew(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    db.Persist();
                    Thread.Yield();
                }
            }, TaskCreationOptions.LongRunning);
            OnThreads(writers, w =>
            {
                for (int i = 0; i < perWriter; i++)
                {
                    string id = $"w{w}-{i}";
                    db.AddVector(VectorOf(id), id, new Dictionary<string, object?> { ["w"] = w });
                    expected[id] = true;
                    if (i % 5 == 4)
                    {
                        string gone = $"w{w}-{i - 1}";
                        Assert.That(db.Remove(gone), Is.True);
                        expected.TryRemove(gone, out _);
                    }
                }
            });
            stop.Cancel();
            persisting.Wait(Patience);
            Assert.That(persisting.IsCompletedSuccessfully, Is.True);
            Assert.That(db.Log.Group.DurableCount, Is.EqualTo(db.Log.Group.AppendedCount), "every acknowledged record is durable");
            Assert.That(db.List(take: int.MaxValue).Select(r => r.Id), Is.EquivalentTo(expected.Keys));
        }

        using var reopened = LodeDatabase.OpenReadOnly(folder.Path);
        Assert.That(reopened.List(take: int.MaxValue).Select(r => r.Id), Is.EquivalentTo(expected.Keys));
        foreach (string id in expected.Keys.Where((_, i) => i % 10 == 0))
        {
            Assert.That(reopened.SearchByVector(VectorOf(id), 1)[0].Id, Is.EqualTo(id));
        }
    }

    [Test]
    public void DisposingWithWritersWaitingMakesTheirWritesDurableFirst()
    {
        const int writers = 4;
        using var folder = new TestFolder();
        var db = LodeDatabase.Open(folder.Path, Options());
        using var release = new ManualResetEventSlim();
        int syncs = 0;
        db.Log.LogSync = wal =>
        {
            if (Interlocked.Increment(ref syncs) == 1)
            {
                Assert.That(release.Wait(Patience), Is.True);
            }

            wal.Sync();
        };

        Task[] adds = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(() => db.AddVector(VectorOf($"w{w}"), $"w{w}"), TaskCreationOptions.LongRunning)).ToArray();
        Assert.That(SpinWait.SpinUntil(() => db.Log.Group.AppendedCount == writers, Patience), Is.True);
        // Dispose takes the write lock (free: the writers wait outside it), checkpoints and closes
        // the log once the held sync ends; every writer then returns successfully.
        Task disposing = Task.Factory.StartNew(db.Dispose, TaskCreationOptions.LongRunning);
        release.Set();
        Assert.That(Task.WaitAll(adds.Append(disposing).ToArray(), Patience), Is.True);
        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(writers));
    }

    [Test]
    public void FastAndGenerationModeWritesNeverWaitForAGroupSync()
    {
        foreach (var (mode, durability) in new[] { (CommitMode.Wal, Durability.Fast), (CommitMode.Generation, Durability.Fsync) })
        {
            using var folder = new TestFolder();
            using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = mode, Durability = durability });
            int syncs = 0;
            db.Log.LogSync = (NativeWal wal) =>
            {
                Interlocked.Increment(ref syncs);
                wal.Sync();
            };
            OnThreads(16, i => db.AddVector(VectorOf($"r{i}"), $"r{i}"));
            Assert.That(syncs, Is.Zero, $"{mode}/{durability}");
            Assert.That(db.Count(), Is.EqualTo(16));
        }
    }
}
