using LodeDb.Diagnostics;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.Logging;

namespace LodeDb.Tests.Telemetry;

/// <summary>
/// Recovery events (a torn log tail cut by a writer, a repair's findings and outcome) through the
/// handle's ILogger, and the model gauges (preset models held by open handles, their file bytes).
/// </summary>
public sealed class RecoveryAndModelTelemetryTests
{
    private const int Dim = 8;

    [Test]
    public void A_writer_logs_the_torn_WAL_tail_it_cuts()
    {
        using TestFolder folder = WalDamageTests.WriteLog(3, out _);
        string walFile = folder.Wal; // before the open: its checkpoint on close starts the next generation's log
        long intact = new FileInfo(walFile).Length;
        File.AppendAllBytes(walFile, [(byte)'L', (byte)'W', (byte)'A', (byte)'L', 1, 0, 0]);
        var logs = new ListLoggerFactory();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { LoggerFactory = logs }))
        {
            Assert.That(db.Count(), Is.EqualTo(3));
        }

        LogEntry torn = logs.Entries.Single(e => e.EventId.Name == "TornTailDropped");
        Assert.That(torn.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(torn.Values["File"], Is.EqualTo(walFile));
        Assert.That(torn.Values["Offset"], Is.EqualTo(intact));
        Assert.That(torn.Values["Bytes"], Is.EqualTo(7L));

        var clean = new ListLoggerFactory();
        LodeDatabase.Open(folder.Path, new LodeDbOptions { LoggerFactory = clean }).Dispose();
        Assert.That(clean.Entries.Any(e => e.EventId.Name == "TornTailDropped"), Is.False, "nothing is logged when nothing is cut");
    }

    [Test]
    public void A_writer_logs_the_uncommitted_journal_tail_it_cuts()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, CommitMode = CommitMode.Generation, CheckpointEveryRecords = 1000 }))
        {
            db.AddVector(Vectors.Random(new Random(1), Dim), "a");
            db.AddVector(Vectors.Random(new Random(2), Dim), "b");
            using TestFolder crashed = folder.CrashCopy();
            string journal = Directory.GetFiles(crashed.Path, "*.journal").Single();
            long committed = new FileInfo(journal).Length;
            File.AppendAllBytes(journal, new byte[11]);
            var logs = new ListLoggerFactory();
            using (var reopened = LodeDatabase.Open(crashed.Path, new LodeDbOptions { CommitMode = CommitMode.Generation, LoggerFactory = logs }))
            {
                Assert.That(reopened.Count(), Is.EqualTo(2));
            }

            LogEntry torn = logs.Entries.Single(e => e.EventId.Name == "TornTailDropped");
            Assert.That(torn.Values["File"], Is.EqualTo(journal));
            Assert.That(torn.Values["Offset"], Is.EqualTo(committed));
            Assert.That(torn.Values["Bytes"], Is.EqualTo(11L));
        }
    }

    [Test]
    public void Repair_logs_each_finding_and_its_outcome()
    {
        using TestFolder folder = WalDamageTests.WriteLog(6, out List<long> frames);
        byte[] wal = File.ReadAllBytes(folder.Wal);
        wal[frames[3] + 13] ^= 0x5a; // interior damage: valid frames follow
        File.WriteAllBytes(folder.Wal, [.. wal, (byte)'L', (byte)'W']); // and a torn tail
        string walName = Path.GetFileName(folder.Wal);

        var dryLogs = new ListLoggerFactory();
        LodeDatabase.Repair(folder.Path, new RepairOptions { DryRun = true, LoggerFactory = dryLogs });
        LogEntry notApplied = dryLogs.Entries.Single(e => e.EventId.Name == "RepairNotApplied");
        Assert.That((notApplied.Values["Kept"], notApplied.Values["Dropped"]), Is.EqualTo((5L, 1L)));
        Assert.That(dryLogs.Entries.Any(e => e.EventId.Name is "Repaired" or "Checkpointed"), Is.False, "a dry run writes nothing");

        var logs = new ListLoggerFactory();
        RepairReport report = LodeDatabase.Repair(folder.Path, new RepairOptions { LoggerFactory = logs });
        LogEntry[] findings = logs.Entries.Where(e => e.EventId.Name == "SalvageFinding").ToArray();
        Assert.That(findings.Select(f => (f.Level, f.Values["File"], f.Values["Offset"])), Is.EquivalentTo(new[]
        {
            (LogLevel.Warning, (object?)walName, (object?)frames[3]),
            (LogLevel.Information, walName, (object?)(long)wal.Length),
        }));
        LogEntry repaired = logs.Entries.Single(e => e.EventId.Name == "Repaired");
        Assert.That(repaired.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That((repaired.Values["Kept"], repaired.Values["Dropped"], repaired.Values["Quarantine"]), Is.EqualTo((5L, 1L, (object?)report.BackupFolder)));
        Assert.That(logs.Entries.Any(e => e.EventId.Name == "Checkpointed"), Is.True, "the fresh generation's checkpoint is logged too");
    }

    [Test]
    public void The_model_gauges_report_each_loaded_preset_model_and_its_file_bytes()
    {
        using var models = new TestFolder();
        string preset = Path.Combine(models.Path, "minilm");
        Directory.CreateDirectory(Path.Combine(preset, "onnx"));
        foreach (string file in new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(RepositoryPaths.TextBert, file), Path.Combine(preset, file));
        }

        using var folder = new TestFolder();
        using var recorder = new MeasurementRecorder(LodeDbTelemetry.Name, folder.Path);
        var options = new LodeDbOptions
        {
            Model = "minilm",
            ModelDirectory = models.Path,
            PresetOverride = TextModelPresets.Get("minilm") with { Dimension = 32 },
        };
        using (var db = LodeDatabase.Open(folder.Path, options))
        {
            recorder.ObserveGauges();
            Measurement loaded = recorder.Measurements.Single(m => m.Instrument == "lodedb.models.loaded");
            Assert.That(loaded.Value, Is.EqualTo(1));
            Assert.That(loaded.Tags["lodedb.model"], Is.EqualTo("minilm"));
            Measurement bytes = recorder.Measurements.Single(m => m.Instrument == "lodedb.models.loaded.bytes");
            Assert.That(bytes.Value, Is.EqualTo(new FileInfo(Path.Combine(preset, "onnx", "model.onnx")).Length));
            Assert.That(recorder.Sum("lodedb.model.loads"), Is.EqualTo(1));
        }

        int before = recorder.Measurements.Count;
        recorder.ObserveGauges();
        Assert.That(recorder.Measurements.Count, Is.EqualTo(before), "a closed handle holds no model");
    }
}
