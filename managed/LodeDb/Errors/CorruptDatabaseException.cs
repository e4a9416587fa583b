namespace LodeDb;

/// <summary>
/// A committed file of the database failed its checks (magic, version, CRC, lengths). The store
/// is never loaded partially; restore the folder from a backup.
/// </summary>
public sealed class CorruptDatabaseException : LodeDatabaseException
{
    /// <summary>Creates the exception naming the damaged file.</summary>
    public CorruptDatabaseException(string file, string detail, Exception? inner = null)
        : base($"The database file '{file}' is damaged: {detail}. It was not loaded; restore the folder from a backup.", inner)
    {
        File = file;
    }

    /// <summary>The damaged file.</summary>
    public string File { get; }
}
