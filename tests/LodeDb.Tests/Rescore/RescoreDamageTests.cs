using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using LodeDb.Native;

namespace LodeDb.Tests;

/// <summary>
/// Damage to the re-score sidecar's rows (issue 10, defect 4): every damaged byte fails the open
/// with <see cref="CorruptDatabaseException"/> naming the file and an offset, in every open mode;
/// a row whose values change after the open never reaches a ranking.
/// </summary>
public sealed class RescoreDamageTests
{
    // 128-d rows: an int8 row is 132 bytes (496 rows per 64 KiB block), a float16 row 256 (256
    // per block), so 1,200 rows span several blocks of either kind.
    private const int Dim = 128;
    private const int RowCount = 1200;

    private static float[] VectorOf(int i) => Vectors.Random(new Random(3000 + i), Dim);

    private static readonly float[][] Probes = Enumerable.Range(0, 8).Select(i => Vectors.Random(new Random(7000 + i), Dim)).ToArray();

    private static int RowBytes(RescoreStorage kind) => RescoreCodec.RowBytes(kind, Dim);

    private static long RowOffset(RescoreStorage kind, int row) => RescoreStore.HeaderBytes + (long)row * RowBytes(kind);

    /// <summary>Writes <see cref="RowCount"/> rows and checkpoints them into the sidecar; returns its file name and every probe's top 10.</summary>
    private static (string Name, List<(string Id, float Score)[]> Results) Build(TestFolder folder, RescoreStorage kind, CommitMode mode)
    {
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = kind, CommitMode = mode, CheckpointEveryRecords = 1000 });
        for (int i = 0; i < RowCount; i += 200)
        {
            int[] rows = Enumerable.Range(i, 200).ToArray();
            db.AddVectors(rows.Select(VectorOf).ToArray(), rows.Select(r => (string?)$"v{r}").ToArray());
        }

        db.Persist();
        return (SidecarName(folder), Results(db));
    }

    private static string SidecarName(TestFolder folder)
    {
        using JsonDocument root = JsonDocument.Parse(File.ReadAllText(folder.File("index.commit.json")));
        return root.RootElement.GetProperty("rescoreFile").GetString()!;
    }

    private static List<(string Id, float Score)[]> Results(LodeDatabase db) =>
        Probes.Select(p => db.SearchByVector(p, 10).Select(h => (h.Id, h.Score)).ToArray()).ToList();

    /// <summary>Applies one named damage to the sidecar's bytes.</summary>
    private static byte[] Damage(byte[] bytes, RescoreStorage kind, string damage)
    {
        long row = RowOffset(kind, 500);
        long tableOffset = RowOffset(kind, RowCount);
        switch (damage)
        {
            case "scale-exponent":
                bytes[row + 3] ^= 0x40; // the scale's exponent: ~1e36 instead of ~1e-3
                break;
            case "scale-nan":
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)row), float.NaN);
                break;
            case "scale-low-bit":
                bytes[row] ^= 0x01; // in range: only the checksum sees it
                break;
            case "value-bit":
                bytes[row + 40] ^= 0x04;
                break;
            case "half-nan":
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)row + 6), 0x7E00);
                break;
            case "half-infinity":
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)row + 6), 0x7C00);
                break;
            case "zeroed-rows":
                Array.Clear(bytes, (int)RowOffset(kind, 100), 300 * RowBytes(kind));
                break;
            case "zeroed-rows-and-table":
                Array.Clear(bytes, (int)RowOffset(kind, 0), bytes.Length - (int)RowOffset(kind, 0));
                break;
            case "truncated-rows":
                Array.Resize(ref bytes, (int)RowOffset(kind, 600) + 7);
                break;
            case "truncated-table":
                Array.Resize(ref bytes, bytes.Length - 2);
                break;
            case "appended":
                Array.Resize(ref bytes, bytes.Length + 16);
                break;
            case "crc-flip":
                bytes[tableOffset + 5] ^= 0x10; // the second block's CRC32C
                break;
            default:
                throw new ArgumentException(damage);
        }

        return bytes;
    }

    private static void AssertOpensFail(TestFolder folder, string name, CommitMode mode, string what)
    {
        var writer = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }), $"{what}: writer open");
        Assert.That(writer!.File, Is.EqualTo(name), what);
        Assert.That(writer.Message, Does.Contain("offset"), what);
        var reader = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path), $"{what}: read-only open");
        Assert.That(reader!.File, Is.EqualTo(name), what);
        Assert.That(reader.Message, Does.Contain("offset"), what);
    }

    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "scale-exponent")]
    [TestCase(RescoreStorage.Int8, CommitMode.Generation, "scale-exponent")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "scale-nan")]
    [TestCase(RescoreStorage.Int8, CommitMode.Generation, "scale-nan")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "scale-low-bit")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "value-bit")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "zeroed-rows")]
    [TestCase(RescoreStorage.Int8, CommitMode.Generation, "zeroed-rows")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "zeroed-rows-and-table")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "truncated-rows")]
    [TestCase(RescoreStorage.Int8, CommitMode.Generation, "truncated-table")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "appended")]
    [TestCase(RescoreStorage.Int8, CommitMode.Wal, "crc-flip")]
    [TestCase(RescoreStorage.Int8, CommitMode.Generation, "crc-flip")]
    [TestCase(RescoreStorage.Float16, CommitMode.Wal, "half-nan")]
    [TestCase(RescoreStorage.Float16, CommitMode.Generation, "half-infinity")]
    [TestCase(RescoreStorage.Float16, CommitMode.Wal, "value-bit")]
    [TestCase(RescoreStorage.Float16, CommitMode.Generation, "zeroed-rows")]
    [TestCase(RescoreStorage.Float16, CommitMode.Wal, "truncated-rows")]
    [TestCase(RescoreStorage.Float16, CommitMode.Wal, "crc-flip")]
    public void DamagedRowsFailTheOpenNamingTheFileAndOffset(RescoreStorage kind, CommitMode mode, string damage)
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, kind, mode);
        string path = folder.File(name);
        File.WriteAllBytes(path, Damage(File.ReadAllBytes(path), kind, damage));
        AssertOpensFail(folder, name, mode, damage);
        Assert.That(RescoreFileCheck.Audit(path, name, kind, Dim, null, RowCount), Is.Not.Empty, $"{damage}: the audit reports it");
    }

    [TestCase(RescoreStorage.Int8, CommitMode.Wal)]
    [TestCase(RescoreStorage.Int8, CommitMode.Generation)]
    [TestCase(RescoreStorage.Float16, CommitMode.Wal)]
    [TestCase(RescoreStorage.Float16, CommitMode.Generation)]
    public void AnUndamagedSidecarVerifiesAndGivesTheSameResults(RescoreStorage kind, CommitMode mode)
    {
        using var folder = new TestFolder();
        (string name, List<(string Id, float Score)[]> expected) = Build(folder, kind, mode);
        Assert.That(new FileInfo(folder.File(name)).Length, Is.EqualTo(RowOffset(kind, RowCount) + 4 * BlockCount(kind)), "the rows, then one CRC32C per block");
        Assert.That(RescoreFileCheck.Audit(folder.File(name), name, kind, Dim, null, RowCount), Is.Empty);
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }))
        {
            Assert.That(Results(db), Is.EqualTo(expected), "writer");
        }

        using (var db = LodeDatabase.OpenReadOnly(folder.Path))
        {
            Assert.That(Results(db), Is.EqualTo(expected), "read-only");
        }
    }

    private static int BlockCount(RescoreStorage kind)
    {
        int blockRows = Math.Max(1, RescoreFileHeader.BlockBytes / RowBytes(kind));
        return (RowCount + blockRows - 1) / blockRows;
    }

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void AMissingSidecarIsACorruptDatabaseNamingIt(CommitMode mode)
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, RescoreStorage.Int8, mode);
        File.Delete(folder.File(name));
        Assert.That(Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }))!.File, Is.EqualTo(name));
        Assert.That(Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path))!.File, Is.EqualTo(name));
        Assert.That(RescoreFileCheck.Audit(folder.File(name), name).Single().Detail, Does.Contain("missing"));
    }

    [TestCase("")]
    [TestCase("../outside.rescore")]
    [TestCase("index.g1.rescore")]
    public void ARootNamingAnotherSidecarIsACorruptRoot(string named)
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, RescoreStorage.Float16, CommitMode.Wal);
        File.Copy(folder.File(name), folder.File("index.g1.rescore"), overwrite: true);
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(folder.File("index.commit.json")))!;
        Assert.That((string?)root["rescoreFile"], Is.EqualTo(name));
        root["rescoreFile"] = named;
        File.WriteAllText(folder.File("index.commit.json"), root.ToJsonString());
        var reader = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path));
        Assert.That(reader!.File, Is.EqualTo("index.commit.json"));
        Assert.That(Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.Open(folder.Path))!.File, Is.EqualTo("index.commit.json"));
    }

    [Test]
    public void TheAuditReportsEveryDamagedBlockWithItsOffset()
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, RescoreStorage.Int8, CommitMode.Wal);
        string path = folder.File(name);
        byte[] bytes = File.ReadAllBytes(path);
        int blockRows = RescoreFileHeader.BlockBytes / RowBytes(RescoreStorage.Int8);
        bytes[RowOffset(RescoreStorage.Int8, 3) + 50] ^= 0x01; // block 0
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)RowOffset(RescoreStorage.Int8, (2 * blockRows) + 1)), float.NaN); // block 2
        File.WriteAllBytes(path, bytes);

        IReadOnlyList<StorageProblem> problems = RescoreFileCheck.Audit(path, name, RescoreStorage.Int8, Dim, null, RowCount);
        Assert.That(problems.Select(p => p.File), Is.All.EqualTo(name));
        Assert.That(problems.Select(p => p.Offset), Is.EquivalentTo(new[]
        {
            RowOffset(RescoreStorage.Int8, 0), // block 0's checksum
            RowOffset(RescoreStorage.Int8, 2 * blockRows), // block 2's checksum
            RowOffset(RescoreStorage.Int8, (2 * blockRows) + 1), // the NaN scale of its row
        }), string.Join("; ", problems));
        Assert.That(problems.Single(p => p.Offset == RowOffset(RescoreStorage.Int8, (2 * blockRows) + 1)).Detail, Does.Contain("NaN"));
    }

    [Test]
    public void TheAuditOfATruncatedFileReportsItsLength()
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, RescoreStorage.Float16, CommitMode.Wal);
        string path = folder.File(name);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        IReadOnlyList<StorageProblem> problems = RescoreFileCheck.Audit(path, name, RescoreStorage.Float16, Dim, null, RowCount);
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0].Offset, Is.EqualTo(bytes.Length - 3));
    }

    [TestCase(RescoreStorage.Int8, "scale-nan")]
    [TestCase(RescoreStorage.Int8, "scale-huge")]
    [TestCase(RescoreStorage.Float16, "half-infinity")]
    [TestCase(RescoreStorage.Float16, "half-huge")]
    public void ARowChangedUnderTheMappingNeverReachesARanking(RescoreStorage kind, string damage)
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, kind, CommitMode.Wal);
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { RescoreCandidates = RowCount });
        Assert.That(db.Stats().RescoreMapped, Is.True);
        Assert.That(db.SearchByVector(Probes[0], 10), Has.Count.EqualTo(10));

        // Verified at the open, then written behind the mapping's back (the file is mapped shared).
        long row = RowOffset(kind, 500);
        using (var stream = new FileStream(folder.File(name), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            byte[] patch = damage switch
            {
                "scale-nan" => BitConverter.GetBytes(float.NaN),
                "scale-huge" => BitConverter.GetBytes(3.0e38f),
                "half-infinity" => [0x00, 0x7C, 0x00, 0x7C],
                _ => [0xFF, 0x7B, 0xFF, 0x7B], // 65504, the largest half
            };
            stream.Position = row;
            stream.Write(patch);
        }

        // Every row is a candidate, so the damaged one is scored: a ranking of it is refused.
        var ex = Assert.Throws<CorruptDatabaseException>(() => db.SearchByVector(Probes[0], 10));
        Assert.That(ex!.File, Is.EqualTo(name));
        Assert.That(ex.Message, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"offset {row}")));
        Assert.Throws<CorruptDatabaseException>(() => db.SearchManyByVector(Probes, 10));
    }

    [Test]
    public void ACheckpointRefusesToCopyRowsDamagedUnderTheMapping()
    {
        using var folder = new TestFolder();
        (string name, _) = Build(folder, RescoreStorage.Int8, CommitMode.Wal);
        var db = LodeDatabase.Open(folder.Path);
        using (var stream = new FileStream(folder.File(name), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Position = RowOffset(RescoreStorage.Int8, 700) + 20;
            stream.WriteByte(0x11); // in range: only the checksum sees it
        }

        db.AddVector(VectorOf(99_999), "late");
        // The next generation's checksums must not launder the damage into a "valid" file.
        var ex = Assert.Throws<CorruptDatabaseException>(() => db.Persist());
        Assert.That(ex!.File, Is.EqualTo(name));
        Assert.That(SidecarName(folder), Is.EqualTo(name), "the failed checkpoint published nothing");
        Assert.That(Directory.GetFiles(folder.Path, "*.tmp"), Is.Empty, "nor left its temp file");

        // Dispose checkpoints the logged row too, and fails the same way (the row stays in the log).
        Assert.That(Assert.Throws<CorruptDatabaseException>(db.Dispose)!.File, Is.EqualTo(name));
        Assert.That(new FileInfo(folder.Wal).Length, Is.GreaterThan(0));
    }

    [TestCase(RescoreStorage.Int8)]
    [TestCase(RescoreStorage.Float16)]
    public void AVersion1SidecarWithoutRowChecksumsIsStillReadAndItsValuesAreChecked(RescoreStorage kind)
    {
        using var folder = new TestFolder();
        (string name, List<(string Id, float Score)[]> expected) = Build(folder, kind, CommitMode.Wal);
        string path = folder.File(name);
        byte[] version1 = ToVersion1(File.ReadAllBytes(path), kind);
        File.WriteAllBytes(path, version1);
        using (var db = LodeDatabase.OpenReadOnly(folder.Path))
        {
            Assert.That(Results(db), Is.EqualTo(expected));
        }

        Assert.That(RescoreFileCheck.Audit(path, name, kind, Dim, null, RowCount), Is.Empty);
        File.WriteAllBytes(path, Damage(version1, kind, kind == RescoreStorage.Int8 ? "scale-nan" : "half-nan"));
        AssertOpensFail(folder, name, CommitMode.Wal, "version 1, non-finite value");
    }

    /// <summary>The same rows as a version-1 file: no block table, version 1, reserved bytes zero, header CRC recomputed.</summary>
    private static byte[] ToVersion1(byte[] bytes, RescoreStorage kind)
    {
        byte[] version1 = bytes[..(int)RowOffset(kind, RowCount)];
        BinaryPrimitives.WriteUInt32LittleEndian(version1.AsSpan(8), 1);
        Array.Clear(version1, 40, 20);
        BinaryPrimitives.WriteUInt32LittleEndian(version1.AsSpan(60), LodeDb.Native.NativeLibraryInfo.Crc32C(version1.AsSpan(0, 60)));
        return version1;
    }

    [TestCase(RescoreStorage.Int8)]
    [TestCase(RescoreStorage.Float16)]
    public void ARowWithNonFiniteOrOutOfRangeValuesIsNeverStored(RescoreStorage kind)
    {
        using RescoreStore store = RescoreStore.CreateEmpty(kind, Dim);
        byte[] row = new byte[RowBytes(kind)];
        RescoreCodec.Encode(kind, RescoreData.Normalized(VectorOf(1)), row);
        store.Append(row);
        foreach (byte[] bad in BadRows(kind, row))
        {
            Assert.Throws<FormatException>(() => store.Append(bad));
            Assert.Throws<FormatException>(() => store.Set(0, bad));
        }

        Assert.That(store.SlotCount, Is.EqualTo(1));
    }

    private static IEnumerable<byte[]> BadRows(RescoreStorage kind, byte[] good)
    {
        if (kind == RescoreStorage.Int8)
        {
            foreach (float scale in new[] { float.NaN, float.PositiveInfinity, -1e-3f, 1f, 3e38f })
            {
                byte[] row = (byte[])good.Clone();
                BinaryPrimitives.WriteSingleLittleEndian(row, scale);
                yield return row;
            }

            byte[] minus128 = (byte[])good.Clone();
            minus128[10] = 0x80; // -128: the encoder clamps to -127
            yield return minus128;
            yield break;
        }

        foreach (ushort half in new ushort[] { 0x7E00, 0x7C00, 0xFC00, 0x3C01, 0x7BFF })
        {
            byte[] row = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(row.AsSpan(8), half);
            yield return row;
        }
    }

    [Test]
    public void ALoggedRowWithANaNScaleFailsTheOpenNamingTheLog()
    {
        using var folder = new TestFolder();
        Build(folder, RescoreStorage.Int8, CommitMode.Wal);
        using (var db = LodeDatabase.Open(folder.Path))
        {
            db.AddVector(VectorOf(5), "v5");
            using TestFolder logged = folder.CrashCopy();
            var payloads = new List<byte[]>();
            NativeWal.ReplayFile(logged.Wal, p =>
            {
                payloads.Add(p.ToArray());
                return true;
            });
            Assert.That(payloads, Has.Count.EqualTo(2), "Begin, then the upsert");
            UpsertBatch batch = ((UpsertRecord)WalRecord.Decode(payloads[1])).Batch;
            BinaryPrimitives.WriteSingleLittleEndian(batch.RescoreRows, float.NaN);

            // A well-framed record (its CRC is right) carrying a NaN scale, as a buggy writer would log it.
            File.Delete(logged.Wal);
            using (NativeWal rewritten = NativeWal.Open(logged.Wal))
            {
                rewritten.Append(payloads[0]);
                rewritten.Append(WalRecord.EncodeUpsert(batch));
            }

            var ex = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(logged.Path));
            Assert.That(ex!.File, Is.EqualTo(Path.GetFileName(logged.Wal)));
            Assert.That(ex.Message, Does.Contain("NaN"));
        }
    }
}
