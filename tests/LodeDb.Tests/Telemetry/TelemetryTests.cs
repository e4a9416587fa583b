using LodeDb.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LodeDb.Tests.Telemetry;

/// <summary>
/// Metrics, activities and logs of a handle, observed the way OpenTelemetry would (a
/// MeterListener and an ActivityListener on the "LodeDb" names, an ILoggerFactory in the options).
/// </summary>
public sealed class TelemetryTests
{
    [Test]
    public void Adds_searches_removes_and_checkpoints_are_measured_traced_and_logged()
    {
        using var folder = new TestFolder();
        using var recorder = new MeasurementRecorder(LodeDbTelemetry.Name, folder.Path);
        var logs = new ListLoggerFactory();
        int checkpointsBefore;
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8, IndexText = true, StoreText = false, LoggerFactory = logs }))
        {
            db.AddVectors([Vectors.Random(new Random(1), 8), Vectors.Random(new Random(2), 8), Vectors.Random(new Random(3), 8)],
                ["a", "b", "c"], [new Dictionary<string, object?> { ["secret"] = "metadata-value" }, null, null], ["caption-text", null, null]);
            db.SearchByVector(Vectors.Random(new Random(1), 8), 2);
            db.SearchManyByVector([Vectors.Random(new Random(2), 8), Vectors.Random(new Random(3), 8)], 1);
            db.Search("caption", 1, SearchMode.Lexical);
            Assert.That(db.Remove("b"), Is.True);
            checkpointsBefore = recorder.Count("lodedb.checkpoint.duration");
            db.Persist();
        }

        Assert.Multiple(() =>
        {
            Assert.That(recorder.Sum("lodedb.rows.added"), Is.EqualTo(3));
            Assert.That(recorder.Count("lodedb.add.duration"), Is.EqualTo(1));
            Assert.That(recorder.Sum("lodedb.searches"), Is.EqualTo(4), "1 + 2 vector queries + 1 lexical");
            Assert.That(recorder.Measurements.Where(m => m.Instrument == "lodedb.searches").Select(m => m.Tags["lodedb.mode"]).Distinct(), Is.EquivalentTo(new[] { "vector", "lexical" }));
            Assert.That(recorder.Count("lodedb.search.duration"), Is.EqualTo(3), "one duration per search call");
            Assert.That(recorder.Sum("lodedb.rows.removed"), Is.EqualTo(1));
            Assert.That(recorder.Sum("lodedb.wal.bytes"), Is.GreaterThan(0), "the add and the remove were appended to the log");
            Assert.That(recorder.Count("lodedb.checkpoint.duration"), Is.EqualTo(checkpointsBefore + 1), "Persist checkpointed; Dispose had nothing left to fold");
            Assert.That(recorder.Activities.Select(a => a.OperationName).Distinct(), Is.EquivalentTo(new[] { "lodedb.add", "lodedb.search", "lodedb.checkpoint" }));
            Assert.That(recorder.Activities.Single(a => a.OperationName == "lodedb.add").GetTagItem("lodedb.rows"), Is.EqualTo(3));
        });

        IReadOnlyList<LogEntry> entries = logs.Entries;
        Assert.That(entries.Select(e => e.Category).Distinct(), Is.EqualTo(new[] { "LodeDb" }));
        LogEntry opened = entries.Single(e => e.EventId.Name == "Opened");
        Assert.That(opened.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(opened.Values["Path"], Is.EqualTo(Path.GetFullPath(folder.Path)));
        LogEntry checkpoint = entries.Last(e => e.EventId.Name == "Checkpointed");
        Assert.That(checkpoint.Values["WalRecords"], Is.EqualTo(2L), "the add and the remove");
        Assert.That(entries.Select(e => e.Message), Has.None.Contains("metadata-value").And.None.Contains("caption-text"), "no payload in logs");
    }

    [Test]
    public void Reopening_logs_the_replayed_records()
    {
        using var folder = new TestFolder();
        var logs = new ListLoggerFactory();
        using (var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }))
        {
            writer.AddVector([1, 0, 0, 0], "x");
            writer.AddVector([0, 1, 0, 0], "y");
            // A crash copy keeps the WAL unfolded: reopen it to replay.
            using TestFolder crashed = folder.CrashCopy();
            using var reader = LodeDatabase.Open(crashed.Path, new LodeDbOptions { LoggerFactory = logs });
            LogEntry opened = logs.Entries.Single(e => e.EventId.Name == "Opened");
            Assert.That(opened.Values["ReplayedRecords"], Is.EqualTo(2L));
            Assert.That(opened.Values["Rows"], Is.EqualTo(2L));
        }
    }

    [Test]
    public void A_slow_operation_is_a_warning_and_a_lock_wait_is_logged()
    {
        using var folder = new TestFolder();
        var logs = new ListLoggerFactory();
        var first = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        first.AddVector([1, 0, 0, 0], "x");
        // The second writer waits for the first to close (another thread releases it shortly).
        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            first.Dispose();
        });
        using var second = LodeDatabase.Open(folder.Path, new LodeDbOptions
        {
            LoggerFactory = logs,
            LockTimeout = TimeSpan.FromSeconds(30),
            SlowOperationThreshold = TimeSpan.FromTicks(1),
        });
        release.Wait();
        second.SearchByVector([1, 0, 0, 0], 1);

        LogEntry waited = logs.Entries.Single(e => e.EventId.Name == "LockWaited");
        Assert.That(waited.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That((double)waited.Values["ElapsedMs"]!, Is.GreaterThan(100));
        LogEntry slow = logs.Entries.First(e => e.EventId.Name == "SlowOperation");
        Assert.That(slow.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(slow.Values["Operation"], Is.EqualTo("Vector search"));
    }
}
