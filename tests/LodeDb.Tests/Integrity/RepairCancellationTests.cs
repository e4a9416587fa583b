using Microsoft.Extensions.Logging;

namespace LodeDb.Tests.Integrity;

/// <summary>
/// A collection is repaired space by space, each atomically. A cancellation that arrives after a
/// space was written cannot undo it, so the call finishes and reports everything it changed
/// instead of throwing that report away (found in review: space a was rewritten, the call threw).
/// </summary>
public sealed class RepairCancellationTests
{
    private const int Dim = 8;

    /// <summary>Cancels the token when a store reports its applied repair (LodeDbLog.Repaired, event 6).</summary>
    private sealed class CancelOnRepaired(CancellationTokenSource source) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 6)
            {
                source.Cancel();
            }
        }
    }

    [Test]
    public void ACancellationAfterTheFirstSpaceWasRepairedFinishesAndReportsEverySpace()
    {
        using var folder = new TestFolder();
        string crashed = folder.Path + "-crash";
        using (var collection = LodeCollection.Open(folder.Path))
        {
            foreach (string name in new[] { "a", "b" })
            {
                LodeDatabase space = collection.Space(name, new LodeDbOptions { VectorDim = Dim, CheckpointEveryRecords = 1000 });
                for (int i = 0; i < 4; i++)
                {
                    space.AddVector(Vectors.Random(new Random(i + 1), Dim), $"r{i}");
                }
            }

            VerifyRepairTests.CopyTree(folder.Path, crashed); // as a crash leaves it: the records only in each space's log
        }

        try
        {
            foreach (string name in new[] { "a", "b" })
            {
                string wal = Directory.GetFiles(Path.Combine(crashed, "spaces", name), "index.g*.wal").Single();
                byte[] bytes = File.ReadAllBytes(wal);
                bytes[WalDamageTests.FrameOffsets(bytes)[1] + 2] ^= 0x10; // interior damage: valid frames follow
                File.WriteAllBytes(wal, bytes);
            }

            using var cancel = new CancellationTokenSource();
            RepairReport report = LodeDatabase.Repair(crashed, new RepairOptions { LoggerFactory = new CancelOnRepaired(cancel) }, cancel.Token);

            Assert.That(cancel.IsCancellationRequested, Is.True, "the token was cancelled once space a was written");
            Assert.That(report.Applied, Is.True);
            Assert.That(report.RecordsLost, Is.EqualTo(2), "one damaged record in each space, both reported");
            Assert.That(LodeDatabase.Verify(crashed).IsClean, Is.True, "space b was repaired too, not left damaged");
        }
        finally
        {
            Directory.Delete(crashed, recursive: true);
        }
    }

    [Test]
    public void ACancellationBeforeAnythingWasWrittenStillThrowsAndChangesNothing()
    {
        using var folder = new TestFolder();
        using (var collection = LodeCollection.Open(folder.Path))
        {
            collection.Space("a", new LodeDbOptions { VectorDim = Dim }).AddVector(Vectors.Random(new Random(1), Dim), "r0");
        }

        var before = FolderSnapshot.Take(folder.Path);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws(Is.InstanceOf<OperationCanceledException>(), () => LodeDatabase.Repair(folder.Path, cancellationToken: cancel.Token));
        Assert.That(FolderSnapshot.Take(folder.Path), Is.EqualTo(before));
    }
}
