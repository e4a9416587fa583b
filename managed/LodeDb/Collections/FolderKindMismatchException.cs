namespace LodeDb;

/// <summary>
/// A collection root was opened as an index (<see cref="LodeDatabase.Open"/>), or an index folder
/// as a collection (<see cref="LodeCollection.Open"/>), or a knowledge graph's folder as a writable
/// index or an index as a graph (<see cref="Graph.LodeGraph.Open(LodeDatabase, Graph.GraphOptions?)"/>),
/// or the folder of a deleted collection space (it holds the <c>DELETED</c> marker) as an index.
/// Nothing was read or written.
/// </summary>
public sealed class FolderKindMismatchException : LodeDatabaseException
{
    private FolderKindMismatchException(string path, string message)
        : base(message)
    {
        Path = path;
    }

    /// <summary>The folder that was opened.</summary>
    public string Path { get; }

    internal static FolderKindMismatchException CollectionOpenedAsIndex(string path) => new(path,
        $"'{path}' is the root of a LodeDb collection (it holds {LodeCollection.ManifestFileName}), not an index. " +
        "Open it with LodeCollection.Open(path) and pick a space with collection.Space(name).");

    internal static FolderKindMismatchException GraphOpenedAsIndex(string path) => new(path,
        $"'{path}' holds a LodeDb knowledge graph, not an index; it can be written only through LodeGraph.Open. " +
        "Open it with LodeGraph.Open (or read-only with LodeDatabase.OpenReadOnly).");

    internal static FolderKindMismatchException IndexOpenedAsGraph(string path) => new(path,
        $"'{path}' holds a LodeDb index, not a knowledge graph. Open it with LodeDatabase.Open(path), or keep the graph in another folder.");

    internal static FolderKindMismatchException IndexOpenedAsCollection(string path) => new(path,
        $"'{path}' holds a LodeDb index ({LodeDatabase.RootFileName}), not a collection. " +
        "Open it with LodeDatabase.Open(path), or create the collection in another folder.");

    internal static FolderKindMismatchException DeletedSpaceOpenedAsIndex(string path, string marker) => new(path,
        $"'{path}' holds the marker file '{marker}' of a collection's space delete: unless its collection still records the space, " +
        "the folder is removed by the next create or delete of that space name, so it does not open as an index. " +
        "Open a recorded space with LodeCollection.Space(name); to read a deleted space's rows, copy the folder elsewhere and delete the marker file in the copy.");
}
