using System.Buffers.Binary;
using System.Text.Json;

namespace LodeDb.Cli.Tests;

/// <summary><c>lodedb verify</c> and <c>lodedb repair</c>: exit codes, one line per problem, dry run by default.</summary>
public sealed class VerifyRepairCommandTests
{
    /// <summary>A crash-copied WAL-mode database of <paramref name="rows"/> rows whose log still holds them.</summary>
    private static string CrashedDatabase(TempFolder folder, int rows)
    {
        string live = folder.Combine("live");
        using var db = LodeDatabase.Open(live, new LodeDbOptions { VectorDim = 4, CommitMode = CommitMode.Wal });
        for (int i = 0; i < rows; i++)
        {
            db.AddVector([1, i, 0, 0], $"r{i}");
        }

        string crashed = folder.Combine("crashed");
        Directory.CreateDirectory(crashed);
        foreach (string file in Directory.GetFiles(live).Where(f => Path.GetFileName(f) != "LOCK"))
        {
            File.Copy(file, Path.Combine(crashed, Path.GetFileName(file)));
        }

        return crashed;
    }

    private static string DamageSecondRecord(string database)
    {
        string wal = Directory.GetFiles(database, "index.g*.wal").Single();
        byte[] bytes = File.ReadAllBytes(wal);
        long second = 20 + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); // after the Begin record
        bytes[second + 13] ^= 0x40; // its CRC
        File.WriteAllBytes(wal, bytes);
        return Path.GetFileName(wal);
    }

    [Test]
    public void Verify_exits_0_on_a_clean_database_and_1_naming_file_and_offset_on_damage()
    {
        using var folder = new TempFolder();
        string database = CrashedDatabase(folder, 3);
        CliRun clean = CliRun.Of("verify", database);
        Assert.That(clean.ExitCode, Is.EqualTo(ExitCodes.Ok), clean.ToString);
        Assert.That(clean.Out, Does.Contain("clean"));

        string wal = DamageSecondRecord(database);
        CliRun damaged = CliRun.Of("verify", database, "--json");
        Assert.That(damaged.ExitCode, Is.EqualTo(ExitCodes.Failure), damaged.ToString);
        using JsonDocument problem = JsonDocument.Parse(damaged.OutLines[0]);
        Assert.That(problem.RootElement.GetProperty("file").GetString(), Is.EqualTo(wal));
        Assert.That(problem.RootElement.GetProperty("offset").GetInt64(), Is.GreaterThan(0));
        Assert.That(problem.RootElement.GetProperty("damage").GetBoolean(), Is.True);
    }

    [Test]
    public void Repair_is_a_dry_run_unless_applied_and_then_verify_is_clean()
    {
        using var folder = new TempFolder();
        string database = CrashedDatabase(folder, 4);
        DamageSecondRecord(database);
        string[] Files() => Directory.GetFiles(database).Where(f => Path.GetFileName(f) != "LOCK").Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}").Order().ToArray();
        string[] before = Files();

        CliRun dryRun = CliRun.Of("repair", database);
        Assert.That(dryRun.ExitCode, Is.EqualTo(ExitCodes.Failure), dryRun.ToString);
        Assert.That(dryRun.Out, Does.Contain("a repair would: keep 3 record(s), lose 1 (ids: r0)"));
        Assert.That(Files(), Is.EqualTo(before), "a dry run writes nothing (the writer lock file aside)");

        CliRun applied = CliRun.Of("repair", database, "--apply");
        Assert.That(applied.ExitCode, Is.EqualTo(ExitCodes.Ok), applied.ToString);
        Assert.That(applied.Out, Does.Contain("repaired: keep 3 record(s), lose 1"));
        Assert.That(CliRun.Of("verify", database).ExitCode, Is.EqualTo(ExitCodes.Ok));
        using var db = LodeDatabase.OpenReadOnly(database);
        Assert.That(db.Count(), Is.EqualTo(3));
    }

    [TestCase("verify")]
    [TestCase("repair")]
    public void A_missing_folder_exits_3(string command)
    {
        using var folder = new TempFolder();
        CliRun run = CliRun.Of(command, folder.Combine("nothing-here"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.NotFound), run.ToString);
        Assert.That(run.Error, Does.StartWith("lodedb: error: no LodeDb database"));
    }
}
