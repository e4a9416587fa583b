using System.Text.Json;

namespace LodeDb.Tests;

/// <summary>The re-score sidecar across writes, checkpoints, compaction, reopen, crashes, identity and damage.</summary>
public sealed class RescoreStorageTests
{
    private const int Dim = 32;

    private static float[] VectorOf(int i) => Vectors.Random(new Random(1000 + i), Dim);

    private static float[] Replacement(int i) => Vectors.Random(new Random(5000 + i), Dim);

    private static Dictionary<string, object?> Meta(int i) => new() { ["i"] = i, ["even"] = i % 2 == 0 };

    private static readonly float[][] Probes = Enumerable.Range(0, 12).Select(i => Vectors.Random(new Random(9000 + i), Dim)).ToArray();

    /// <summary>Every probe's top 10 through both search paths (ids and scores).</summary>
    private static List<(string Id, float Score)[]> Results(LodeDatabase db, Filter? filter = null)
    {
        var results = db.SearchManyByVector(Probes, 10, filter).Select(hits => hits.Select(h => (h.Id, h.Score)).ToArray()).ToList();
        results.AddRange(Probes.Select(p => db.SearchByVector(p, 10, filter).Select(h => (h.Id, h.Score)).ToArray()));
        return results;
    }

    private static void AssertSameResults(List<(string Id, float Score)[]> actual, List<(string Id, float Score)[]> expected, string what)
    {
        Assert.That(actual.Count, Is.EqualTo(expected.Count));
        for (int q = 0; q < expected.Count; q++)
        {
            Assert.That(actual[q], Is.EqualTo(expected[q]), $"{what}: probe {q}");
        }
    }

    /// <summary>Adds rows 0..199 (singles and batches), removes, replaces; returns the live vectors by id.</summary>
    private static Dictionary<string, float[]> WriteWorkload(LodeDatabase db)
    {
        var live = new Dictionary<string, float[]>();
        for (int i = 0; i < 200; i += 20)
        {
            int[] rows = Enumerable.Range(i, 20).ToArray();
            db.AddVectors(rows.Select(VectorOf).ToArray(), rows.Select(r => (string?)$"v{r}").ToArray(), rows.Select(r => (IReadOnlyDictionary<string, object?>?)Meta(r)).ToArray());
            foreach (int r in rows)
            {
                live[$"v{r}"] = VectorOf(r);
            }
        }

        for (int i = 0; i < 200; i += 3)
        {
            db.Remove($"v{i}");
            live.Remove($"v{i}");
        }

        for (int i = 1; i < 200; i += 9)
        {
            db.AddVector(Replacement(i), $"v{i}", Meta(i));
            live[$"v{i}"] = Replacement(i);
        }

        return live;
    }

    [TestCase(CommitMode.Wal, RescoreStorage.Int8)]
    [TestCase(CommitMode.Wal, RescoreStorage.Float16)]
    [TestCase(CommitMode.Generation, RescoreStorage.Float16)]
    public void ResultsAreIdenticalAfterACrashReplayAPersistAndAReopen(CommitMode mode, RescoreStorage kind)
    {
        using var folder = new TestFolder();
        var options = new LodeDbOptions { VectorDim = Dim, Rescore = kind, CommitMode = mode, CheckpointEveryRecords = 1000 };
        List<(string Id, float Score)[]> expected;
        List<(string Id, float Score)[]> filtered;
        using (var db = LodeDatabase.Open(folder.Path, options))
        {
            WriteWorkload(db);
            expected = Results(db);
            filtered = Results(db, Filter.Eq("even", true));
            LodeStats before = db.Stats();
            Assert.That(before.Rescore, Is.EqualTo(kind));
            Assert.That(before.RescoreOverflowRows, Is.GreaterThan(0), "rows since the last checkpoint are in the overflow");

            // A crash now: the log (or journal) must bring the sidecar rows back.
            using (TestFolder crashed = folder.CrashCopy())
            using (var replayed = LodeDatabase.Open(crashed.Path))
            {
                AssertSameResults(Results(replayed), expected, "after replay");
                AssertSameResults(Results(replayed, Filter.Eq("even", true)), filtered, "after replay, filtered");
            }

            db.Persist();
            AssertSameResults(Results(db), expected, "after Persist");
            LodeStats after = db.Stats();
            int rowBytes = RescoreCodec.RowBytes(kind, Dim);
            Assert.That(after.RescoreOverflowRows, Is.Zero);
            Assert.That(after.RescoreMapped, Is.True);
            long blocks = (after.SlotCount + RescoreFileHeader.BlockRowsFor(rowBytes) - 1) / RescoreFileHeader.BlockRowsFor(rowBytes);
            Assert.That(after.RescoreDiskBytes, Is.EqualTo(RescoreStore.HeaderBytes + (after.SlotCount * rowBytes) + (4 * blocks)), "the rows, then one CRC32C per block");
            Assert.That(after.SlotCount, Is.EqualTo(after.Count), "a third of the rows were removed: the checkpoint compacted");
            Assert.That(File.Exists(folder.File($"index.g{after.Generation}.rescore")), Is.True);
        }

        using (var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }))
        {
            Assert.That(reopened.Rescore, Is.EqualTo(kind), "unset on reopen: the recorded sidecar");
            Assert.That(reopened.Stats().RescoreMapped, Is.True);
            AssertSameResults(Results(reopened), expected, "after reopen");
            AssertSameResults(Results(reopened, Filter.Eq("even", true)), filtered, "after reopen, filtered");
        }

        using (var readOnly = LodeDatabase.OpenReadOnly(folder.Path))
        {
            AssertSameResults(Results(readOnly), expected, "read-only");
        }

        Assert.That(Directory.GetFiles(folder.Path, "index.g*.rescore").Length, Is.LessThanOrEqualTo(2), "old sidecars are deleted with their generation");
    }

    [TestCase(RescoreStorage.Int8, 0.01f)]
    [TestCase(RescoreStorage.Float16, 0.002f)]
    public void RemovedRowsNeverComeBackAndReplacedRowsScoreTheirNewVector(RescoreStorage kind, float tolerance)
    {
        using var folder = new TestFolder();
        var options = new LodeDbOptions { VectorDim = Dim, Rescore = kind, CheckpointEveryRecords = 1000 };
        using (var db = LodeDatabase.Open(folder.Path, options))
        {
            // A mapped base, then replacements over it, removals and appends in the overflow, then
            // a compacting checkpoint that re-keys both.
            for (int i = 0; i < 200; i += 50)
            {
                int[] rows = Enumerable.Range(i, 50).ToArray();
                db.AddVectors(rows.Select(VectorOf).ToArray(), rows.Select(r => (string?)$"v{r}").ToArray(), rows.Select(r => (IReadOnlyDictionary<string, object?>?)Meta(r)).ToArray());
            }

            db.Persist();
            Dictionary<string, float[]> live = WriteWorkload(db);
            CheckAlignment(db, live, tolerance, "before the checkpoint");
            db.Persist();
            Assert.That(db.Stats().SlotCount, Is.EqualTo(db.Stats().Count), "the checkpoint compacted");
            CheckAlignment(db, live, tolerance, "after the compacting checkpoint");
        }

        using (var db = LodeDatabase.Open(folder.Path))
        {
            Dictionary<string, float[]> live = Enumerable.Range(0, 200).Where(i => i % 3 != 0)
                .ToDictionary(i => $"v{i}", i => i % 9 == 1 ? Replacement(i) : VectorOf(i));
            CheckAlignment(db, live, tolerance, "after reopen");
        }
    }

    private static void CheckAlignment(LodeDatabase db, Dictionary<string, float[]> live, float tolerance, string what)
    {
        Assert.That(db.Count(), Is.EqualTo(live.Count), what);
        for (int i = 0; i < 200; i++)
        {
            string id = $"v{i}";
            if (!live.TryGetValue(id, out float[]? vector))
            {
                Assert.That(db.SearchByVector(VectorOf(i), 20).Select(h => h.Id), Does.Not.Contain(id), $"{what}: removed {id} came back");
                continue;
            }

            // The sidecar row of the id's slot holds its current vector: the exact cosine.
            IReadOnlyList<SearchHit> own = db.SearchByVector(vector, 1, Filter.Eq("i", i));
            Assert.That(own.Single().Id, Is.EqualTo(id));
            Assert.That(own[0].Score, Is.EqualTo(1f).Within(tolerance), $"{what}: {id}");
            if (i % 9 == 1)
            {
                IReadOnlyList<SearchHit> old = db.SearchByVector(VectorOf(i), 1, Filter.Eq("i", i));
                Assert.That(old[0].Score, Is.EqualTo(Vectors.Cosine(VectorOf(i), vector)).Within(tolerance), $"{what}: replaced {id} scores its new vector");
            }
        }
    }

    [Test]
    public void ScoresAreTheExactCosineAndFiltersStillConstrain()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Float16 });
        float[][] vectors = Enumerable.Range(0, 150).Select(VectorOf).ToArray();
        db.AddVectors(vectors, Enumerable.Range(0, 150).Select(i => (string?)$"v{i}").ToArray(), Enumerable.Range(0, 150).Select(i => (IReadOnlyDictionary<string, object?>?)Meta(i)).ToArray());
        foreach (float[] probe in Probes)
        {
            IReadOnlyList<SearchHit> hits = db.SearchByVector(probe, 10, Filter.Eq("even", true));
            Assert.That(hits, Has.Count.EqualTo(10));
            Assert.That(hits.All(h => (bool)h.Metadata["even"]!), Is.True, "the filter still constrains");
            // 75 rows pass the filter, fewer than the 100 candidates: the ranking is exact.
            int[] exact = RescoreData.ExactTop(vectors, probe, 10, i => i % 2 == 0);
            for (int r = 0; r < hits.Count; r++)
            {
                int index = int.Parse(hits[r].Id[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(hits[r].Score, Is.EqualTo(Vectors.Cosine(vectors[index], probe)).Within(0.002f));
                Assert.That(hits[r].Score, Is.EqualTo(Vectors.Cosine(vectors[exact[r]], probe)).Within(0.004f), $"rank {r}");
            }
        }
    }

    [Test]
    public void FewerCandidatesThanKStillReturnK()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8 }))
        {
            db.AddVectors(Enumerable.Range(0, 60).Select(VectorOf).ToArray());
        }

        using var narrow = LodeDatabase.Open(folder.Path, new LodeDbOptions { RescoreCandidates = 1 });
        Assert.That(narrow.SearchByVector(Probes[0], 10), Has.Count.EqualTo(10));
        Assert.That(narrow.SearchManyByVector(Probes, 10).Select(h => h.Count), Is.All.EqualTo(10));
    }

    [TestCase(0)]
    [TestCase(LodeDatabase.MaxRescoreCandidates + 1)]
    public void AnOutOfRangeCandidateCountIsRejected(int candidates)
    {
        using var folder = new TestFolder();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, RescoreCandidates = candidates }));
        Assert.That(ex!.Message, Does.Contain("RescoreCandidates"));
        Assert.That(Directory.Exists(folder.Path), Is.False, "nothing was created");
    }

    [Test]
    public void AnUndefinedRescoreValueIsRejected()
    {
        using var folder = new TestFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = (RescoreStorage)7 }));
    }

    [Test]
    public void TheSidecarIsRecordedInTheIdentityAndAConflictingReopenIsRejected()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8 }))
        {
            db.AddVector(VectorOf(1), "a");
        }

        using (JsonDocument root = JsonDocument.Parse(File.ReadAllText(folder.File("index.commit.json"))))
        {
            Assert.That(root.RootElement.GetProperty("identity").GetProperty("storageProfile").GetString(), Is.EqualTo("turboquant-b4+int8"));
            Assert.That(root.RootElement.GetProperty("rescoreFile").GetString(), Does.Match(@"^index\.g\d+\.rescore$"));
        }

        foreach (RescoreStorage other in new[] { RescoreStorage.None, RescoreStorage.Float16 })
        {
            var ex = Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { Rescore = other }));
            Assert.That(ex!.Message, Does.Contain("Rescore"));
        }

        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Rescore = RescoreStorage.Int8 }))
        {
            Assert.That(db.Get("a"), Is.Not.Null);
        }

        using var plain = new TestFolder();
        using (LodeDatabase.Open(plain.Path, new LodeDbOptions { VectorDim = Dim }))
        {
        }

        Assert.Throws<IdentityMismatchException>(() => LodeDatabase.Open(plain.Path, new LodeDbOptions { Rescore = RescoreStorage.Float16 }));
        using (var db = LodeDatabase.Open(plain.Path))
        {
            Assert.That(db.Rescore, Is.EqualTo(RescoreStorage.None));
            Assert.That(db.Stats().RescoreMapped, Is.False);
            Assert.That(Directory.GetFiles(plain.Path, "*.rescore"), Is.Empty);
        }
    }

    [TestCase("magic")]
    [TestCase("header")]
    [TestCase("truncated")]
    [TestCase("rowcount")]
    public void ADamagedSidecarIsACorruptDatabaseNamingIt(string damage)
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Float16 }))
        {
            db.AddVectors(Enumerable.Range(0, 10).Select(VectorOf).ToArray());
        }

        string name;
        using (JsonDocument root = JsonDocument.Parse(File.ReadAllText(folder.File("index.commit.json"))))
        {
            name = root.RootElement.GetProperty("rescoreFile").GetString()!;
        }

        string path = folder.File(name);
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "magic":
                bytes[0] ^= 0xFF;
                break;
            case "header":
                bytes[16] ^= 0x01; // the dimension, under the header CRC
                break;
            case "truncated":
                Array.Resize(ref bytes, bytes.Length - 1);
                break;
            default:
                // A consistent header (CRC recomputed) announcing one row more than the index has.
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), 11);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(60), LodeDb.Native.NativeLibraryInfo.Crc32C(bytes.AsSpan(0, 60)));
                break;
        }

        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path));
        Assert.That(ex!.File, Is.EqualTo(Path.GetFileName(path)));
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path));
    }

    [Test]
    public void UpsertRecordsCarryTheSidecarRowsAndRecordsWithoutThemStillDecode()
    {
        var ids = new[] { "a", "b" };
        var metadata = new IReadOnlyDictionary<string, object?>[] { new Dictionary<string, object?>(), new Dictionary<string, object?>() };
        var plain = new UpsertBatch(ids, metadata, new byte[] { 1, 2, 3, 4 }, [0.5f, 0.25f], 2);
        Assert.That(((UpsertRecord)WalRecord.Decode(WalRecord.EncodeUpsert(plain))).Batch.RescoreRows, Is.Null);

        var withRows = new UpsertBatch(ids, metadata, new byte[] { 1, 2, 3, 4 }, [0.5f, 0.25f], 2);
        byte[] rows = Enumerable.Range(0, 2 * RescoreCodec.RowBytes(RescoreStorage.Float16, 3)).Select(i => (byte)i).ToArray();
        withRows.AttachRescore(rows, RescoreStorage.Float16);
        byte[] payload = WalRecord.EncodeUpsert(withRows);
        Assert.That(payload[0], Is.EqualTo(WalRecord.UpsertOp | WalRecord.RescoreFlag));
        UpsertBatch decoded = ((UpsertRecord)WalRecord.Decode(payload)).Batch;
        Assert.That(decoded.RescoreRows, Is.EqualTo(rows));
        Assert.That(decoded.RescoreKind, Is.EqualTo(RescoreStorage.Float16));
        Assert.That(decoded.Ids, Is.EqualTo(ids));

        var chunked = new UpsertBatch(["d"], metadata[..1], new byte[] { 1, 2, 3, 4 }, [0.5f, 0.25f], 2, [0, 2], ["x", "y"]);
        chunked.AttachRescore(rows, RescoreStorage.Float16);
        byte[] chunkedPayload = WalRecord.EncodeUpsert(chunked);
        Assert.That(chunkedPayload[0], Is.EqualTo(WalRecord.ChunkedUpsertOp | WalRecord.RescoreFlag));
        Assert.That(((UpsertRecord)WalRecord.Decode(chunkedPayload)).Batch.RescoreRows, Is.EqualTo(rows));
        Assert.Throws<FormatException>(() => WalRecord.Decode(chunkedPayload[..^1]));
    }
}
