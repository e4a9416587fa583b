using System.Globalization;

namespace LodeDb.Tests;

/// <summary>
/// A SIGKILLed writer with a re-score sidecar (tests/LodeDb.CrashWriter, "write ... int8"): after
/// the kill the log replays the sidecar rows too, so every surviving row scores exactly as the
/// int8 row of its own vector, and the next writer keeps going on the same folder.
/// </summary>
public sealed class RescoreCrashTests
{
    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void AKilledWriterReplaysTheSidecarRowsOfEveryAcknowledgedWrite(CommitMode mode)
    {
        using var folder = new TestFolder();
        var random = new Random(11);
        long replayedRecords = 0;
        // Two runs, more while no kill has yet landed between checkpoints (under load a kill can
        // fall right after one, and then nothing is left to replay).
        for (int run = 0; run < 2 || (replayedRecords == 0 && run < 8); run++)
        {
            string runId = $"r{run}";
            int checkpointEvery = 40 + random.Next(40);
            List<string> lines = ChildProcess.KillWriter(200 + random.Next(300), afterFirstWrite: true, "write", folder.Path, mode.ToString(), "Fsync", runId, checkpointEvery.ToString(CultureInfo.InvariantCulture), "int8");
            int acknowledged = lines.Count(l => l.EndsWith(" .", StringComparison.Ordinal));
            Assert.That(acknowledged, Is.GreaterThan(0), "the writer made progress before the kill");

            using LodeDatabase db = run % 2 == 0 ? LodeDatabase.Open(folder.Path, new LodeDbOptions { CommitMode = mode }) : LodeDatabase.OpenReadOnly(folder.Path);
            Assert.That(db.Rescore, Is.EqualTo(RescoreStorage.Int8));
            replayedRecords += db.Stats().WalRecords;

            var scratch = new float[CrashVectors.Dimension];
            var row = new byte[RescoreCodec.RowBytes(RescoreStorage.Int8, CrashVectors.Dimension)];
            foreach (LodeRecord record in db.List(take: int.MaxValue))
            {
                float[] vector = RescoreData.Normalized(CrashVectors.For(record.Id));
                RescoreCodec.Encode(RescoreStorage.Int8, vector, row);
                float expected = RescoreCodec.Score(RescoreStorage.Int8, vector, row, scratch);
                IReadOnlyList<SearchHit> hit = db.SearchByVector(CrashVectors.For(record.Id), 1, Filter.Eq("id", record.Id));
                Assert.That(hit[0].Id, Is.EqualTo(record.Id));
                Assert.That(hit[0].Score, Is.EqualTo(expected).Within(1e-5f), $"{mode} run {run}: row {record.Id} scored from another row's sidecar entry");
            }
        }

        Assert.That(replayedRecords, Is.GreaterThan(0), "some rows came back from the log or journal, not a checkpoint");
    }
}
