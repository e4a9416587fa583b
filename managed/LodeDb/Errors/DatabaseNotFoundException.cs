namespace LodeDb;

/// <summary>Opening a folder that holds no database where one is required (read-only open).</summary>
public sealed class DatabaseNotFoundException : LodeDatabaseException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public DatabaseNotFoundException(string path)
        : base($"No LodeDb database at '{path}' (no index.commit.json). Create it first with LodeDatabase.Open(path, new LodeDbOptions {{ VectorDim = ... }}).")
    {
    }
}
