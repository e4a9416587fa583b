namespace LodeDb;

/// <summary>
/// A committed file of the database failed its checks (magic, version, CRC, lengths, a missing
/// file, damage inside the write-ahead log). The store is never loaded partially and a failed
/// open changes nothing on disk; <see cref="LodeDatabase.Verify"/> lists every problem, and
/// <see cref="LodeDatabase.Repair"/> salvages what still verifies (or restore a backup).
/// </summary>
public sealed class CorruptDatabaseException : LodeDatabaseException
{
    /// <summary>Creates the exception naming the damaged file.</summary>
    public CorruptDatabaseException(string file, string detail, Exception? inner = null)
        : this(file, -1, detail, inner)
    {
    }

    /// <summary>Creates the exception naming the damaged file and the byte offset of the damage.</summary>
    public CorruptDatabaseException(string file, long offset, string detail, Exception? inner = null)
        : base($"The database file '{file}' is damaged{(offset >= 0 ? $" at offset {offset}" : "")}: {detail}. It was not loaded and nothing was changed; " +
            "run `lodedb verify <folder>` to list the damage and `lodedb repair <folder>` to salvage what verifies, or restore the folder from a backup.", inner)
    {
        File = file;
        Offset = offset;
        Detail = detail;
    }

    /// <summary>What is wrong with the file, without the advice around it.</summary>
    public string Detail { get; }

    /// <summary>The damaged file, relative to the database folder.</summary>
    public string File { get; }

    /// <summary>Byte offset of the damage in <see cref="File"/>, or -1 when the whole file is affected (missing, unreadable).</summary>
    public long Offset { get; }
}
