using System.Diagnostics;

namespace LodeDb;

/// <summary>
/// The single-writer lock of a folder: the file <c>LOCK</c> held open with FileShare.None,
/// which .NET maps to an exclusive flock(2) on Unix and a share-mode lock on Windows. Both are
/// released by the OS when the process dies, so a SIGKILLed writer never leaves a stale lock.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    public const string FileName = "LOCK";

    private readonly FileStream _stream;

    private WriterLock(FileStream stream) => _stream = stream;

    public static WriterLock Acquire(string folder, TimeSpan timeout)
    {
        string path = Path.Combine(folder, FileName);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new WriterLock(stream);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(50, Math.Max(1, (timeout - clock.Elapsed).TotalMilliseconds))));
            }
            catch (IOException)
            {
                throw new ConcurrentWriterException(folder, clock.Elapsed);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
