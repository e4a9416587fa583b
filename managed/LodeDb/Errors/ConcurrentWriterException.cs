namespace LodeDb;

/// <summary>Another handle (in this or another process) holds the writer lock of the folder.</summary>
public sealed class ConcurrentWriterException : LodeDatabaseException
{
    /// <summary>Creates the exception after waiting <paramref name="waited"/>.</summary>
    public ConcurrentWriterException(string path, TimeSpan waited)
        : base($"Another writer holds the database at '{path}' (waited {waited.TotalSeconds:0.###} s for its lock). " +
               "Close the other writer, open this one with LodeDatabase.OpenReadOnly, or raise LockTimeout / LODEDB_PERSIST_LOCK_TIMEOUT.")
    {
    }

    /// <summary>A refusal that did not wait (the message says what holds the lock and what to do).</summary>
    internal ConcurrentWriterException(string message)
        : base(message)
    {
    }
}
