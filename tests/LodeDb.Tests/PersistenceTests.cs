using System.Buffers.Binary;
using LodeDb.Native;

namespace LodeDb.Tests;

public sealed class PersistenceTests
{
    private const int Dim = 16;

    private static Dictionary<string, object?> Meta(int i) => new() { ["i"] = i };

    private static void AssertRows(LodeDatabase db, IEnumerable<int> expected)
    {
        int[] ids = expected.ToArray();
        Assert.That(db.List(take: int.MaxValue).Select(r => r.Id), Is.EquivalentTo(ids.Select(i => $"r{i}")));
        foreach (int i in ids)
        {
            Assert.That(db.Get($"r{i}")!.Metadata["i"], Is.EqualTo((long)i));
            // The codes belong to the row: its own vector finds it.
            var hit = db.SearchByVector(Vectors.Random(new Random(i), Dim), 1, Filter.Eq("i", i));
            Assert.That(hit[0].Score, Is.GreaterThan(0.9f), $"row r{i} holds another row's codes");
        }
    }

    [TestCase(CommitMode.Wal, Durability.Fast)]
    [TestCase(CommitMode.Wal, Durability.Fsync)]
    [TestCase(CommitMode.Generation, Durability.Fast)]
    [TestCase(CommitMode.Generation, Durability.Fsync)]
    public void WritesSurviveDisposeAndReopen(CommitMode mode, Durability durability)
    {
        using var folder = new TestFolder();
        var options = new LodeDbOptions { VectorDim = Dim, CommitMode = mode, Durability = durability, CheckpointEveryRecords = 7 };
        using (var db = LodeDatabase.Open(folder.Path, options))
        {
            for (int i = 0; i < 30; i++)
            {
                db.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}", Meta(i));
            }

            for (int i = 0; i < 30; i += 3)
            {
                db.Remove($"r{i}");
            }

            db.AddVector(Vectors.Random(new Random(3), Dim), "r3", Meta(3));
        }

        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }))
        {
            AssertRows(db, Enumerable.Range(0, 30).Where(i => i % 3 != 0 || i == 3));
        }

        var generations = Directory.GetFiles(folder.Path, "index.g*").Select(f => Path.GetFileName(f).Split('.')[1]).Distinct();
        Assert.That(generations.Count(), Is.EqualTo(1), "old generations are deleted as soon as no reader pins them");
    }

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void ACrashWithoutDisposeKeepsEveryReturnedWrite(CommitMode mode)
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = mode });
        for (int i = 0; i < 12; i++)
        {
            db.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}", Meta(i));
        }

        db.Remove("r5");
        using TestFolder crashed = folder.CrashCopy();
        using var reopened = LodeDatabase.Open(crashed.Path);
        AssertRows(reopened, Enumerable.Range(0, 12).Where(i => i != 5));
    }

    [Test]
    public void WalCommitsWriteOChangedBytes()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 256 });
        var random = new Random(1);
        db.AddVectors(Enumerable.Range(0, 2000).Select(_ => Vectors.Random(random, 256)).ToArray());
        db.Persist();
        long before = DirectoryBytes(folder.Path);
        db.AddVector(Vectors.Random(random, 256), "one", Meta(1));
        long grew = DirectoryBytes(folder.Path) - before;
        // One record: 20 bytes of framing + op/count/width + id + metadata + scale + 128 code bytes.
        Assert.That(grew, Is.GreaterThan(128).And.LessThan(260), "a single add appends one small record, not a rewrite");
    }

    [Test]
    public void GenerationCommitsAppendToTheBaseJournalNotRewriteIt()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 256, CommitMode = CommitMode.Generation });
        var random = new Random(1);
        db.AddVectors(Enumerable.Range(0, 2000).Select(_ => Vectors.Random(random, 256)).ToArray());
        db.Persist();
        long generation = db.Stats().Generation;
        string[] baseFiles = Directory.GetFiles(folder.Path, "index.g*");
        long before = DirectoryBytes(folder.Path);
        db.AddVector(Vectors.Random(random, 256), "one", Meta(1));
        Assert.That(db.Stats().Generation, Is.EqualTo(generation + 1), "each mutation publishes a generation");
        Assert.That(Directory.GetFiles(folder.Path, "index.g*").Except(baseFiles), Is.EqualTo(new[] { folder.File($"index.g{generation}.journal") }));
        long grew = DirectoryBytes(folder.Path) - before;
        Assert.That(grew, Is.GreaterThan(128).And.LessThan(400), "one journal record and a root that names it (+journal fields)");
        db.AddVector(Vectors.Random(random, 256), "two", Meta(2));
        Assert.That(DirectoryBytes(folder.Path) - before - grew, Is.LessThan(260));
        string root = File.ReadAllText(folder.File("index.commit.json"));
        Assert.That(root, Does.Contain($"\"baseGeneration\": {generation}").And.Contain($"\"generation\": {generation + 2}"));
    }

    [Test]
    public void JournalBytesPastTheCommittedLengthAreNeverLoaded()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = CommitMode.Generation });
        db.AddVector(Vectors.Random(new Random(0), Dim), "r0", Meta(0));
        db.AddVector(Vectors.Random(new Random(1), Dim), "r1", Meta(1));
        using TestFolder crashed = folder.CrashCopy();
        long committed = new FileInfo(crashed.File("index.g1.journal")).Length;
        db.AddVector(Vectors.Random(new Random(2), Dim), "r2", Meta(2));
        // The crash point: the journal append landed, the root naming it did not.
        File.Copy(folder.File("index.g1.journal"), crashed.File("index.g1.journal"), overwrite: true);
        Assert.That(new FileInfo(crashed.File("index.g1.journal")).Length, Is.GreaterThan(committed));

        using (var reader = LodeDatabase.OpenReadOnly(crashed.Path))
        {
            AssertRows(reader, [0, 1]);
        }

        using (var writer = LodeDatabase.Open(crashed.Path, new LodeDbOptions { CommitMode = CommitMode.Generation }))
        {
            AssertRows(writer, [0, 1]);
            Assert.That(new FileInfo(crashed.File("index.g1.journal")).Length, Is.EqualTo(committed), "the uncommitted append is cut");
            writer.AddVector(Vectors.Random(new Random(3), Dim), "r3", Meta(3));
        }

        using var again = LodeDatabase.Open(crashed.Path);
        AssertRows(again, [0, 1, 3]);
    }

    [Test]
    public void ADamagedCommittedJournalIsReported()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = CommitMode.Generation }))
        {
            db.AddVector(Vectors.Random(new Random(0), Dim), "r0", Meta(0));
            db.AddVector(Vectors.Random(new Random(1), Dim), "r1", Meta(1));
            using TestFolder crashed = folder.CrashCopy();
            byte[] journal = File.ReadAllBytes(crashed.File("index.g1.journal"));
            foreach (int offset in new[] { 0, 12, journal.Length / 2, journal.Length - 1 })
            {
                byte[] damaged = (byte[])journal.Clone();
                damaged[offset] ^= 0x10;
                File.WriteAllBytes(crashed.File("index.g1.journal"), damaged);
                var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(crashed.Path), $"flipped byte {offset}");
                Assert.That(ex!.File, Is.EqualTo("index.g1.journal"));
            }

            File.WriteAllBytes(crashed.File("index.g1.journal"), journal.AsSpan(0, journal.Length - 1).ToArray());
            Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(crashed.Path), "a committed journal cut short");
        }
    }

    private static long DirectoryBytes(string path) => Directory.GetFiles(path).Sum(f => new FileInfo(f).Length);

    [Test]
    public void ATornWalTailReplaysToThePreviousRecordAtEveryOffset()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        db.AddVector(Vectors.Random(new Random(0), Dim), "r0", Meta(0));
        db.AddVector(Vectors.Random(new Random(1), Dim), "r1", Meta(1));
        long beforeLast = new FileInfo(folder.Wal).Length;
        db.AddVectors([Vectors.Random(new Random(2), Dim), Vectors.Random(new Random(3), Dim)], ["r2", "r3"], [Meta(2), Meta(3)]);
        using TestFolder crashed = folder.CrashCopy();
        byte[] wal = File.ReadAllBytes(crashed.Wal);
        Assert.That(wal.Length, Is.GreaterThan(beforeLast));

        for (long cut = beforeLast; cut < wal.Length; cut++)
        {
            using TestFolder torn = crashed.CrashCopy();
            File.WriteAllBytes(torn.Wal, wal.AsSpan(0, (int)cut).ToArray());
            using (var reopened = LodeDatabase.Open(torn.Path))
            {
                Assert.That(reopened.List(take: 10).Select(r => r.Id), Is.EqualTo(new[] { "r0", "r1" }), $"cut at {cut}");
                Assert.That(new FileInfo(torn.Wal).Length, Is.EqualTo(beforeLast), "the torn tail is truncated");
                Assert.That(reopened.Stats().WalBytes, Is.EqualTo(beforeLast));
                reopened.AddVector(Vectors.Random(new Random(4), Dim), "r4", Meta(4));
            }

            using var again = LodeDatabase.Open(torn.Path);
            Assert.That(again.List(take: 10).Select(r => r.Id), Is.EqualTo(new[] { "r0", "r1", "r4" }), "the store keeps accepting writes");
        }

        using var whole = LodeDatabase.Open(crashed.Path);
        AssertRows(whole, [0, 1, 2, 3]);
    }

    [Test]
    public void AnIntactRecordOfANewerWalVersionStopsTheOpenAndIsNotTruncated()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }))
        {
            db.AddVector(Vectors.Random(new Random(0), Dim), "r0", Meta(0));
        }

        // A frame a later LodeDb might write: version 2, CRC valid. Treating it as a torn tail
        // would truncate (lose) a newer build's acknowledged writes.
        byte[] frame = NativeWal.Encode([1, 2, 3]);
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(4), 2);
        uint crc = NativeLibraryInfo.Crc32C(frame.AsSpan(0, 12));
        crc = NativeLibraryInfo.Crc32C(frame.AsSpan(20), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12), crc);
        using (var stream = new FileStream(folder.Wal, FileMode.Append))
        {
            stream.Write(frame);
        }
        long length = new FileInfo(folder.Wal).Length;

        var ex = Assert.Throws<LodeDatabaseException>(() => LodeDatabase.Open(folder.Path).Dispose());
        Assert.That(ex!.Message, Does.Contain("newer log format"));
        Assert.Throws<LodeDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path).Dispose());
        Assert.That(new FileInfo(folder.Wal).Length, Is.EqualTo(length), "nothing may be truncated");
    }

    [Test]
    public void TheLogOfTheGenerationBeforeACheckpointIsGarbageAfterTheRename()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        db.AddVector(Vectors.Random(new Random(0), Dim), "r0", Meta(0));
        db.AddVector(Vectors.Random(new Random(1), Dim), "r1", Meta(1));
        db.Remove("r0");
        using TestFolder crashed = folder.CrashCopy();
        db.Persist();
        // The crash point: the new root, generation and its own log are in place; generation
        // 1's files and log (with the folded records) are still there, unreferenced.
        foreach (string file in Directory.GetFiles(folder.Path, "index.g2.*").Append(folder.File("index.commit.json")))
        {
            File.Copy(file, crashed.File(Path.GetFileName(file)), overwrite: true);
        }

        Assert.That(File.Exists(crashed.File("index.g1.wal")), Is.True);
        using var reopened = LodeDatabase.Open(crashed.Path);
        Assert.That(reopened.Stats().Generation, Is.EqualTo(2));
        Assert.That(reopened.Stats().WalRecords, Is.EqualTo(0));
        Assert.That(reopened.Stats().WalBytes, Is.EqualTo(new FileInfo(crashed.File("index.g2.wal")).Length));
        reopened.AddVector(Vectors.Random(new Random(7), Dim), "r7", Meta(7));
        Assert.That(reopened.Stats().WalBytes, Is.EqualTo(new FileInfo(crashed.Wal).Length));
        reopened.Persist();
        Assert.That(Directory.GetFiles(crashed.Path, "index.g1.*"), Is.Empty, "the next checkpoint sweeps the unreferenced generation");
        AssertRows(reopened, [1, 7]);
    }

    [TestCase("index.g2.rows")]
    [TestCase("index.g2.codes")]
    public void ACorruptedGenerationFileIsReportedNotLoaded(string name)
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }))
        {
            db.AddVectors(Enumerable.Range(0, 20).Select(i => Vectors.Random(new Random(i), Dim)).ToArray(),
                Enumerable.Range(0, 20).Select(i => (string?)$"r{i}").ToArray(),
                Enumerable.Range(0, 20).Select(i => (IReadOnlyDictionary<string, object?>?)Meta(i)).ToArray());
        }

        byte[] pristine = File.ReadAllBytes(folder.File(name));
        foreach (int offset in new[] { 0, 9, pristine.Length / 2, pristine.Length - 1 })
        {
            byte[] damaged = (byte[])pristine.Clone();
            damaged[offset] ^= 0x40;
            File.WriteAllBytes(folder.File(name), damaged);
            var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path), $"flipped byte {offset}");
            Assert.That(ex!.File, Is.EqualTo(name));
            Assert.That(ex.Message, Does.Contain("backup"));
            Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path));
        }

        File.WriteAllBytes(folder.File(name), pristine.AsSpan(0, pristine.Length - 3).ToArray());
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path), "truncated file");
        File.WriteAllBytes(folder.File(name), pristine);
        using var healthy = LodeDatabase.Open(folder.Path);
        Assert.That(healthy.Count(), Is.EqualTo(20));
    }

    [Test]
    public void ADamagedRootPointerIsReported()
    {
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }).Dispose();
        File.WriteAllText(folder.File("index.commit.json"), "{\"generation\": ");
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path));
        Assert.That(ex!.File, Is.EqualTo("index.commit.json"));
    }

    [Test]
    public void ACorruptRecordInsideTheLogIsReportedNotSkipped()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim });
        db.AddVector(Vectors.Random(new Random(0), Dim), "r0", Meta(0));
        using TestFolder crashed = folder.CrashCopy();
        // A log that does not begin with a Begin record cannot have been written by LodeDb.
        byte[] wal = File.ReadAllBytes(crashed.Wal);
        int firstLength = 20 + BitConverter.ToInt32(wal, 8);
        File.WriteAllBytes(crashed.Wal, wal.AsSpan(firstLength).ToArray());
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(crashed.Path));
        Assert.That(ex!.File, Is.EqualTo(Path.GetFileName(crashed.Wal)));
    }

    [Test]
    public void CompactionAtCheckpointKeepsIdsAndSearch()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim }))
        {
            for (int i = 0; i < 40; i++)
            {
                db.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}", Meta(i));
            }

            for (int i = 0; i < 40; i += 2)
            {
                db.Remove($"r{i}");
            }

            db.Persist();
            Assert.That(db.Stats().SlotCount, Is.EqualTo(20), "removed slots are compacted away");
            AssertRows(db, Enumerable.Range(0, 40).Where(i => i % 2 == 1));
        }

        using var reopened = LodeDatabase.Open(folder.Path);
        AssertRows(reopened, Enumerable.Range(0, 40).Where(i => i % 2 == 1));
    }

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void ReadOnlyHandlesOpenWhileAWriterCheckpointsConstantly(CommitMode mode)
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CheckpointEveryRecords = 3, CommitMode = mode });
        using var stop = new CancellationTokenSource();
        Exception? writerError = null;
        using var progressed = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    writer.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}", Meta(i));
                    if (i == 9)
                    {
                        progressed.Set();
                    }
                }
            }
            catch (Exception ex)
            {
                writerError = ex;
            }
            finally
            {
                progressed.Set();
            }
        });
        thread.Start();
        try
        {
            // Under load the reader loop below can finish before the writer's first commit; let the
            // writer get past a few checkpoints first so "readers see progress" can be asserted.
            Assert.That(progressed.Wait(TimeSpan.FromSeconds(60)), Is.True, "the writer made no progress");

            long last = 0;
            for (int attempt = 0; attempt < 15; attempt++)
            {
                using var reader = LodeDatabase.OpenReadOnly(folder.Path);
                long count = reader.Count();
                Assert.That(count, Is.GreaterThanOrEqualTo(last), "a reader never goes back in time");
                Assert.That(reader.List(take: int.MaxValue).Select(r => r.Id), Is.EquivalentTo(Enumerable.Range(0, (int)count).Select(i => $"r{i}")));
                last = count;
            }

            Assert.That(last, Is.GreaterThan(0));
        }
        finally
        {
            stop.Cancel();
            thread.Join();
        }

        Assert.That(writerError, Is.Null);
    }
}
