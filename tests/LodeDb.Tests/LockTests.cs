using System.Diagnostics;

namespace LodeDb.Tests;

[NonParallelizable] // sets process environment variables
public sealed class LockTests
{
    [Test]
    public void ASecondWriterInTheSameProcessWaitsThenFails()
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ConcurrentWriterException>(() => LodeDatabase.Open(folder.Path, new LodeDbOptions { LockTimeout = TimeSpan.FromMilliseconds(300) }));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));
        Assert.That(ex!.Message, Does.Contain("OpenReadOnly").And.Contain("LODEDB_PERSIST_LOCK_TIMEOUT"));
    }

    [Test]
    public void TheLockTimeoutComesFromTheEnvironment()
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        try
        {
            Environment.SetEnvironmentVariable("LODEDB_PERSIST_LOCK_TIMEOUT", "0.2");
            var clock = Stopwatch.StartNew();
            Assert.Throws<ConcurrentWriterException>(() => LodeDatabase.Open(folder.Path));
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190)).And.LessThan(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("LODEDB_PERSIST_LOCK_TIMEOUT", null);
        }
    }

    [Test]
    public void TheLockIsReleasedOnDispose()
    {
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }).Dispose();
        using var second = LodeDatabase.Open(folder.Path, new LodeDbOptions { LockTimeout = TimeSpan.Zero });
        Assert.That(second.Dimension, Is.EqualTo(4));
    }

    [Test]
    public void ASecondWriterProcessGetsConcurrentWriterExceptionAndAReaderReadsMeanwhile()
    {
        using var folder = new TestFolder();
        using var writer = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        writer.AddVectors([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);

        Assert.That(ChildProcess.Run(TimeSpan.FromSeconds(60), "probe", folder.Path, "0.3"), Is.EqualTo("concurrent"));
        // A read-only handle in another process takes no lock and sees the committed (logged) rows.
        Assert.That(ChildProcess.Run(TimeSpan.FromSeconds(60), "count", folder.Path), Is.EqualTo("3"));

        using (var reader = LodeDatabase.OpenReadOnly(folder.Path))
        {
            writer.AddVector([0, 0, 0, 1], "late");
            Assert.That(reader.Count(), Is.EqualTo(3), "a read-only handle is a snapshot of what was committed when it opened");
            Assert.That(reader.SearchByVector([1, 0, 0, 0], 1), Has.Count.EqualTo(1));
        }

        writer.Persist();
        using (var reader = LodeDatabase.OpenReadOnly(folder.Path))
        {
            Assert.That(reader.Count(), Is.EqualTo(4));
        }

        writer.Dispose();
        Assert.That(ChildProcess.Run(TimeSpan.FromSeconds(60), "probe", folder.Path, "0.3"), Is.EqualTo("opened"), "the lock dies with its holder");
    }
}
