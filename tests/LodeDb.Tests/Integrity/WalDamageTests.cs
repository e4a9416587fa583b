using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace LodeDb.Tests;

/// <summary>
/// Damage inside a write-ahead log: a bad frame with a valid frame after it fails every open
/// mode with the file and offset, and changes nothing on disk; a torn last frame stays quiet.
/// </summary>
public sealed class WalDamageTests
{
    private const int Dim = 8;

    private static readonly string[] Fields = ["magic", "version", "flags", "length", "crc", "reserved", "payload"];

    private static int FieldOffset(string field) => field switch
    {
        "magic" => 1,
        "version" => 4,
        "flags" => 6,
        "length" => 9,
        "crc" => 13,
        "reserved" => 17,
        _ => 25,
    };

    /// <summary>A WAL-mode folder as a crash leaves it: its log holds a Begin record and <paramref name="records"/> upserts (one row each).</summary>
    internal static TestFolder WriteLog(int records, out List<long> frames)
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = CommitMode.Wal, CheckpointEveryRecords = 100_000 });
        for (int i = 0; i < records; i++)
        {
            db.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}", new Dictionary<string, object?> { ["i"] = i });
        }

        TestFolder crashed = folder.CrashCopy();
        frames = FrameOffsets(File.ReadAllBytes(crashed.Wal));
        return crashed;
    }

    internal static List<long> FrameOffsets(byte[] wal)
    {
        var offsets = new List<long>();
        for (long at = 0; at < wal.Length; at += 20 + BinaryPrimitives.ReadUInt32LittleEndian(wal.AsSpan((int)at + 8)))
        {
            offsets.Add(at);
        }

        return offsets;
    }

    private static void AssertFailsClosed(TestFolder folder, long offset, string because)
    {
        string wal = Path.GetFileName(folder.Wal);
        var before = FolderSnapshot.Take(folder.Path);
        foreach (LodeDbOptions options in new[]
                 {
                     new LodeDbOptions(),
                     new LodeDbOptions { ReadOnly = true },
                     new LodeDbOptions { CommitMode = CommitMode.Generation },
                 })
        {
            var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path, options).Dispose(), $"{because}, read-only {options.ReadOnly}, {options.CommitMode}");
            Assert.That(ex!.File, Is.EqualTo(wal), because);
            Assert.That(ex.Offset, Is.EqualTo(offset), because);
            Assert.That(ex.Message, Does.Contain("interior corruption").And.Contain($"offset {offset}"), because);
            Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before), $"{because}: a failed open modifies nothing");
        }
    }

    [Test]
    public void EveryFieldOfAMiddleRecordIsInteriorCorruption()
    {
        using TestFolder folder = WriteLog(6, out List<long> frames);
        byte[] pristine = File.ReadAllBytes(folder.Wal);
        foreach (int victim in new[] { 0, 3 })
        {
            foreach (string field in Fields)
            {
                byte[] damaged = (byte[])pristine.Clone();
                damaged[frames[victim] + FieldOffset(field)] ^= 0x21;
                File.WriteAllBytes(folder.Wal, damaged);
                AssertFailsClosed(folder, frames[victim], $"{field} of record {victim}");
            }

            byte[] zeroed = (byte[])pristine.Clone();
            Array.Clear(zeroed, (int)frames[victim], (int)(frames[victim + 1] - frames[victim]));
            File.WriteAllBytes(folder.Wal, zeroed);
            AssertFailsClosed(folder, frames[victim], $"zeroed record {victim}");
        }

        File.WriteAllBytes(folder.Wal, pristine);
        using var healthy = LodeDatabase.Open(folder.Path);
        Assert.That(healthy.Count(), Is.EqualTo(6));
    }

    [Test]
    public void ADamagedLastRecordIsATornTailAndDropsOnlyThatRecord()
    {
        using TestFolder folder = WriteLog(4, out List<long> frames);
        byte[] damaged = File.ReadAllBytes(folder.Wal);
        damaged[frames[^1] + FieldOffset("payload")] ^= 0x21;
        File.WriteAllBytes(folder.Wal, damaged);
        using (var reader = LodeDatabase.OpenReadOnly(folder.Path))
        {
            Assert.That(reader.Count(), Is.EqualTo(3), "the last append never completed: never acknowledged");
        }

        using var writer = LodeDatabase.Open(folder.Path);
        Assert.That(writer.Count(), Is.EqualTo(3));
        Assert.That(new FileInfo(folder.Wal).Length, Is.EqualTo(frames[^1]), "the torn tail is cut");
    }

    [Test]
    public void ALogOfAnotherGenerationIsAnErrorNotStale()
    {
        using TestFolder folder = WriteLog(5, out _);
        // An edited or stale root pointer: another generation number (and its log's name).
        var root = JsonNode.Parse(File.ReadAllText(folder.File("index.commit.json")))!;
        long generation = (long)root["generation"]!;
        root["generation"] = generation + 1;
        File.WriteAllText(folder.File("index.commit.json"), root.ToJsonString());
        var before = FolderSnapshot.Take(folder.Path);
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path).Dispose(), "the root no longer names its log");
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path).Dispose());

        string log = $"index.g{generation}.wal";
        root["walFile"] = $"index.g{generation + 1}.wal";
        File.WriteAllText(folder.File("index.commit.json"), root.ToJsonString());
        File.Move(folder.File(log), folder.File($"index.g{generation + 1}.wal"));
        before = FolderSnapshot.Take(folder.Path);
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path).Dispose());
        Assert.That(ex!.Message, Does.Contain("5 records would be lost"));
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path).Dispose());
        Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before));
    }

    [TestCase("codes")]
    [TestCase("rows")]
    [TestCase("wal")]
    public void AMissingGenerationFileIsCorruptionNamingIt(string kind)
    {
        using TestFolder folder = WriteLog(3, out _);
        string name = Directory.GetFiles(folder.Path, $"index.g*.{kind}").Select(Path.GetFileName).Single()!;
        File.Delete(folder.File(name));
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path).Dispose());
        Assert.That(ex!.File, Is.EqualTo(name));
        Assert.That(ex.Message, Does.Contain("missing"));
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path).Dispose());
    }

    [Test]
    public void AMissingSidecarIsCorruptionNamingIt()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8 }))
        {
            db.AddVector(Vectors.Random(new Random(1), Dim), "a");
        }

        string name = Directory.GetFiles(folder.Path, "index.g*.rescore").Select(Path.GetFileName).Single()!;
        File.Delete(folder.File(name));
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path).Dispose());
        Assert.That(ex!.File, Is.EqualTo(name));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AFolderOfAReleaseWithTheSingleIndexWalStillOpensAndIsMigrated(bool readOnly)
    {
        using TestFolder folder = WriteLog(4, out _);
        // What a release before generation-addressed logs left: the same records in index.wal.
        string log = folder.Wal;
        var root = JsonNode.Parse(File.ReadAllText(folder.File("index.commit.json")))!;
        root["walFile"] = "index.wal";
        File.WriteAllText(folder.File("index.commit.json"), root.ToJsonString());
        File.Move(log, folder.File("index.wal"));
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = readOnly }))
        {
            Assert.That(db.Count(), Is.EqualTo(4));
        }

        if (!readOnly)
        {
            Assert.That(File.Exists(folder.File("index.wal")), Is.False, "the writer folded the release's log into a generation of its own");
            Assert.That(Path.GetFileName(folder.Wal), Does.Match(@"index\.g\d+\.wal"));
            using var again = LodeDatabase.OpenReadOnly(folder.Path);
            Assert.That(again.Count(), Is.EqualTo(4));
        }
    }
}
