namespace LodeDb;

/// <summary>How to open or create a <see cref="LodeCollection"/>.</summary>
public sealed class LodeCollectionOptions
{
    /// <summary>
    /// Open without writing: the collection must exist, its spaces open read-only and creating a
    /// space throws <see cref="SpaceNotFoundException"/>.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// Whether <c>collection.json</c> writes are fsynced (file and directory), and the default
    /// durability of the spaces (a space's own <see cref="LodeDbOptions.Durability"/> wins).
    /// Default: the <c>LODEDB_DURABILITY</c> environment variable (fast|fsync), else
    /// <see cref="LodeDb.Durability.Fast"/>.
    /// </summary>
    public Durability? Durability { get; init; }

    /// <summary>
    /// How long to wait for the collection's manifest lock (held by another handle while it
    /// records a space), and the default writer-lock timeout of the spaces. Default: the
    /// <c>LODEDB_PERSIST_LOCK_TIMEOUT</c> environment variable (seconds), else 30 s.
    /// </summary>
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>The default <see cref="LodeDbOptions.LoggerFactory"/> of the spaces (a space's own wins).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}
