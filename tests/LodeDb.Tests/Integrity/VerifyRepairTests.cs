namespace LodeDb.Tests;

/// <summary>Verify audits without writing; Repair salvages every record that verifies and reports the rest.</summary>
public sealed class VerifyRepairTests
{
    private const int Dim = 8;

    [Test]
    public void VerifyIsCleanOnAHealthyFolderAndChangesNothing()
    {
        using TestFolder folder = WalDamageTests.WriteLog(20, out _);
        var before = FolderSnapshot.Take(folder.Path);
        VerifyReport report = LodeDatabase.Verify(folder.Path);
        Assert.That(report.IsClean, Is.True, string.Join("\n", report.Problems));
        Assert.That(report.Problems, Is.Empty);
        Assert.That(report.Records, Is.EqualTo(21), "the Begin record and 20 upserts");
        Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before));
    }

    [Test]
    public void VerifyIsCleanOnACustomEmbedderIndexItHasNoEmbedderFor()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options()))
        {
            db.Add("The physician works at the hospital.", id: "a");
        }

        VerifyReport report = LodeDatabase.Verify(folder.Path);
        Assert.That(report.Problems, Is.Empty, "a custom-embedder index is not damage because the auditor lacks its embedder");
        Assert.That(report.IsClean, Is.True);
    }

    [Test]
    public void VerifyReportsInteriorDamageWithFileAndOffsetAndATornTailAsANotice()
    {
        using TestFolder folder = WalDamageTests.WriteLog(10, out List<long> frames);
        byte[] wal = File.ReadAllBytes(folder.Wal);
        wal[frames[4] + 13] ^= 0xff;
        File.WriteAllBytes(folder.Wal, wal.Concat(new byte[] { (byte)'L', (byte)'W' }).ToArray());
        VerifyReport report = LodeDatabase.Verify(folder.Path);
        Assert.That(report.IsClean, Is.False);
        StorageProblem damage = report.Problems.Single(p => p.IsDamage);
        Assert.That(damage.File, Is.EqualTo(Path.GetFileName(folder.Wal)));
        Assert.That(damage.Offset, Is.EqualTo(frames[4]));
        Assert.That(damage.Detail, Does.Contain("interior corruption"));
        Assert.That(report.Problems.Single(p => !p.IsDamage).Detail, Does.Contain("torn tail"));
    }

    [Test]
    public void RepairRecoversEveryRecordButTheDamagedFrameOfAThousandRecordLog()
    {
        using TestFolder folder = WalDamageTests.WriteLog(1000, out List<long> frames);
        byte[] wal = File.ReadAllBytes(folder.Wal);
        int victim = 500; // frame 500 holds r499 (frame 0 is the Begin record)
        wal[frames[victim] + 13] ^= 0x5a; // its CRC: the payload still names the id
        File.WriteAllBytes(folder.Wal, wal);
        string damagedWal = Path.GetFileName(folder.Wal);
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path).Dispose());

        var before = FolderSnapshot.Take(folder.Path);
        RepairReport dryRun = LodeDatabase.Repair(folder.Path, new RepairOptions { DryRun = true });
        Assert.That(dryRun.Applied, Is.False);
        Assert.That(dryRun.RecordsSalvaged, Is.EqualTo(999));
        Assert.That(dryRun.RecordsLost, Is.EqualTo(1));
        Assert.That(dryRun.LostIds, Is.EqualTo(new[] { "r499" }));
        Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before), "a dry run writes nothing");

        RepairReport repair = LodeDatabase.Repair(folder.Path);
        Assert.That(repair.Applied, Is.True);
        Assert.That(repair.RecordsSalvaged, Is.EqualTo(999));
        Assert.That(repair.LostIds, Is.EqualTo(new[] { "r499" }));
        Assert.That(repair.LostRecordsWithUnknownIds, Is.EqualTo(0));
        Assert.That(File.ReadAllBytes(Path.Combine(repair.BackupFolder!, damagedWal)), Is.EqualTo(wal), "the damaged log is kept aside");

        Assert.That(LodeDatabase.Verify(folder.Path).IsClean, Is.True);
        using var db = LodeDatabase.Open(folder.Path);
        Assert.That(db.Count(), Is.EqualTo(999));
        Assert.That(db.Get("r499"), Is.Null);
        for (int i = 0; i < 1000; i += 37)
        {
            if (i == 499)
            {
                continue;
            }

            LodeRecord row = db.Get($"r{i}")!;
            Assert.That(row.Metadata["i"], Is.EqualTo((long)i));
            Assert.That(db.SearchByVector(Vectors.Random(new Random(i), Dim), 1)[0].Id, Is.EqualTo($"r{i}"));
        }
    }

    [Test]
    public void RepairOfAHealthyFolderWritesNothing()
    {
        using TestFolder folder = WalDamageTests.WriteLog(5, out _);
        var before = FolderSnapshot.Take(folder.Path);
        RepairReport report = LodeDatabase.Repair(folder.Path);
        Assert.That(report.NothingToRepair, Is.True);
        Assert.That(report.Applied, Is.False);
        Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before));
    }

    [Test]
    public void RepairSalvagesAroundDamageInACommittedJournal()
    {
        using var source = new TestFolder();
        using var db = LodeDatabase.Open(source.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = CommitMode.Generation, CheckpointEveryRecords = 1000 });
        for (int i = 0; i < 6; i++)
        {
            db.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}");
        }

        using TestFolder folder = source.CrashCopy();

        string journal = Directory.GetFiles(folder.Path, "index.g*.journal").Single();
        byte[] bytes = File.ReadAllBytes(journal);
        List<long> frames = WalDamageTests.FrameOffsets(bytes);
        bytes[frames[2] + 25] ^= 0x01;
        File.WriteAllBytes(journal, bytes);
        Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path).Dispose());

        RepairReport report = LodeDatabase.Repair(folder.Path);
        Assert.That(report.RecordsSalvaged, Is.EqualTo(5));
        Assert.That(report.RecordsLost, Is.EqualTo(1));
        using var repaired = LodeDatabase.OpenReadOnly(folder.Path);
        Assert.That(repaired.Count(), Is.EqualTo(5));
        Assert.That(LodeDatabase.Verify(folder.Path).IsClean, Is.True);
    }

    [Test]
    public void VerifyAndRepairWalkEverySpaceOfACollection()
    {
        using var folder = new TestFolder();
        using (var collection = LodeCollection.Open(folder.Path))
        {
            collection.Space("a", new LodeDbOptions { VectorDim = Dim }).AddVector(Vectors.Random(new Random(1), Dim), "x");
            LodeDatabase b = collection.Space("b", new LodeDbOptions { VectorDim = Dim, CheckpointEveryRecords = 1000 });
            for (int i = 0; i < 4; i++)
            {
                b.AddVector(Vectors.Random(new Random(i), Dim), $"r{i}");
            }

            CopyTree(folder.Path, folder.Path + "-crash");
        }

        string crashed = folder.Path + "-crash";
        try
        {
            string spaceB = Path.Combine(crashed, "spaces", "b");
            string wal = Directory.GetFiles(spaceB, "index.g*.wal").Single();
            byte[] bytes = File.ReadAllBytes(wal);
            bytes[WalDamageTests.FrameOffsets(bytes)[1] + 2] ^= 0x10;
            File.WriteAllBytes(wal, bytes);

            VerifyReport report = LodeDatabase.Verify(crashed);
            Assert.That(report.Indexes, Is.EqualTo(2));
            Assert.That(report.Problems.Single(p => p.IsDamage).File, Is.EqualTo($"spaces/b/{Path.GetFileName(wal)}"));

            RepairReport repair = LodeDatabase.Repair(crashed);
            Assert.That(repair.RecordsSalvaged, Is.EqualTo(3 + 1 /* space a's record */));
            Assert.That(repair.RecordsLost, Is.EqualTo(1));
            Assert.That(repair.LostRecordsWithUnknownIds, Is.EqualTo(1), "its magic is damaged: the frame's bytes are not trusted for an id");
            Assert.That(LodeDatabase.Verify(crashed).IsClean, Is.True);
        }
        finally
        {
            Directory.Delete(crashed, recursive: true);
        }
    }

    [Test]
    public void TheRepairReportOfAOneSpaceCollectionNamesTheCollection()
    {
        using var folder = new TestFolder();
        using (var collection = LodeCollection.Open(folder.Path))
        {
            collection.Space("only", new LodeDbOptions { VectorDim = Dim }).AddVector(Vectors.Random(new Random(1), Dim), "x");
        }

        RepairReport repair = LodeDatabase.Repair(folder.Path);
        Assert.That(repair.Path, Is.EqualTo(Path.GetFullPath(folder.Path)), "the folder repaired is the collection, not its one space");
        Assert.That(repair.NothingToRepair, Is.True);
    }

    internal static void CopyTree(string from, string to)
    {
        foreach (string directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) != "LOCK")
            {
                File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
            }
        }
    }
}
