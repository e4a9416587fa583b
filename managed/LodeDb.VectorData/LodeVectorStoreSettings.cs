namespace LodeDb.VectorData;

/// <summary>
/// The settings of a <see cref="LodeVectorStore"/>: the part of <see cref="LodeVectorStoreOptions"/>
/// that configuration binds (a section such as <c>{ "Path": "data/vectors", "BitWidth": 4 }</c>).
/// The options add the services (embedding generator, logger factory), which are not settings.
/// </summary>
public class LodeVectorStoreSettings
{
    /// <summary>The collection root folder (used by the DI registrations that take no path).</summary>
    public string? Path { get; set; }

    /// <summary>Bits per coordinate of new spaces (2 or 4); null: LodeDb's default (4).</summary>
    public int? BitWidth { get; set; }

    /// <summary>Re-score sidecar of new spaces; null: none.</summary>
    public RescoreStorage? Rescore { get; set; }

    /// <summary>Whether commits are fsynced (<see cref="LodeDb.Durability.Fsync"/>); null: LodeDb's default (Fast, or LODEDB_DURABILITY).</summary>
    public Durability? Durability { get; set; }

    /// <summary>How long opening a space waits for another writer; null: LodeDb's default (30 s, or LODEDB_PERSIST_LOCK_TIMEOUT).</summary>
    public TimeSpan? LockTimeout { get; set; }

    /// <summary>Opens the folder read-only: searches and gets work, every write throws.</summary>
    public bool ReadOnly { get; set; }
}
