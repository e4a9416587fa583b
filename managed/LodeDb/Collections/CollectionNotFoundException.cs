namespace LodeDb;

/// <summary>A read-only open of a folder that holds no collection (no <c>collection.json</c>).</summary>
public sealed class CollectionNotFoundException : LodeDatabaseException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public CollectionNotFoundException(string path)
        : base($"No LodeDb collection at '{path}' (no {LodeCollection.ManifestFileName}). Create it first with LodeCollection.Open(path) (ReadOnly = false).")
    {
        Path = path;
    }

    /// <summary>The folder that was opened.</summary>
    public string Path { get; }
}
