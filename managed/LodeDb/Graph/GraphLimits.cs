namespace LodeDb.Graph;

/// <summary>The limits a graph write is checked against before anything is embedded or logged.</summary>
internal static class GraphLimits
{
    /// <summary>Node and edge ids: the database's id limit less the two characters of the entry prefix.</summary>
    public const int MaxIdLength = LodeDatabase.MaxIdLength - 2;

    /// <summary>Labels, types and relations, in UTF-16 code units.</summary>
    public const int MaxNameLength = 4096;

    /// <summary>
    /// The largest GraphWrite record: the native WAL frames payloads of at most 1 GiB
    /// (<c>LODEDB_WAL_MAX_PAYLOAD</c>, src/wal/wal_frame.h), less room for the framing. A call
    /// whose record would be larger is refused whole (one call = one record = all or nothing);
    /// the caller splits it into several calls.
    /// </summary>
    public const int MaxRecordBytes = (1 << 30) - 4096;

    /// <summary>Entry id of a node's semantic entry.</summary>
    public static string NodeEntry(string nodeId) => "n:" + nodeId;

    /// <summary>Entry id of an edge's semantic entry.</summary>
    public static string EdgeEntry(string edgeId) => "e:" + edgeId;

    public static bool IsNodeEntry(string entryId) => entryId.StartsWith("n:", StringComparison.Ordinal);

    public static bool IsEdgeEntry(string entryId) => entryId.StartsWith("e:", StringComparison.Ordinal);
}
