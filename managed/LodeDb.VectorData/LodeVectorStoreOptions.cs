using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LodeDb.VectorData;

/// <summary>
/// Options of a <see cref="LodeVectorStore"/>, bindable from configuration (every property but
/// <see cref="EmbeddingGenerator"/>), e.g. a section <c>{ "Path": "data/vectors", "BitWidth": 4 }</c>.
/// </summary>
public sealed class LodeVectorStoreOptions
{
    /// <summary>The collection root folder (used by the DI registrations that take no path).</summary>
    public string? Path { get; set; }

    /// <summary>Generates embeddings for vector properties that are not vectors (e.g. a string), unless a collection or property sets its own.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

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

    /// <summary>Where the spaces log (see <see cref="LodeDbOptions.LoggerFactory"/>); the DI registration uses the registered <see cref="ILoggerFactory"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
