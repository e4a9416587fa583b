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

    private WriterLock(FileStream stream, TimeSpan waited)
    {
        _stream = stream;
        Waited = waited;
    }

    /// <summary>How long another holder made <see cref="Acquire"/> wait (zero when the lock was free).</summary>
    public TimeSpan Waited { get; }

    public static WriterLock Acquire(string folder, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(folder, FileName);
        var clock = Stopwatch.StartNew();
        bool waited = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new WriterLock(stream, waited ? clock.Elapsed : TimeSpan.Zero);
            }
            catch (DirectoryNotFoundException)
            {
                // The folder is gone (a collection's delete moved a space away): waiting cannot bring it back.
                throw;
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                waited = true;
                // Waits on the token, so a cancelled open stops waiting at once.
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(50, Math.Max(1, (timeout - clock.Elapsed).TotalMilliseconds))));
            }
            catch (IOException)
            {
                throw new ConcurrentWriterException(folder, clock.Elapsed);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
