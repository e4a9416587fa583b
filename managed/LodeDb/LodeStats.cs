namespace LodeDb;

/// <summary>A snapshot of a database's counters (metrics only, never payloads).</summary>
public sealed record LodeStats
{
    /// <summary>Live rows.</summary>
    public required long Count { get; init; }

    /// <summary>Native slots, live and removed (removed ones are dropped at the next compacting checkpoint).</summary>
    public required long SlotCount { get; init; }

    /// <summary>Vector dimension.</summary>
    public required int Dimension { get; init; }

    /// <summary>Bits per coordinate (2 or 4).</summary>
    public required int BitWidth { get; init; }

    /// <summary>The last committed generation.</summary>
    public required long Generation { get; init; }

    /// <summary>Records in the write-ahead log since the last checkpoint.</summary>
    public required long WalRecords { get; init; }

    /// <summary>Bytes of the write-ahead log.</summary>
    public required long WalBytes { get; init; }

    /// <summary>Bytes of every file in the database folder.</summary>
    public required long DiskBytes { get; init; }

    /// <summary>Heap bytes the native index holds.</summary>
    public required long IndexMemoryBytes { get; init; }

    /// <summary>The re-score sidecar the index keeps.</summary>
    public RescoreStorage Rescore { get; init; }

    /// <summary>Bytes of the memory-mapped re-score sidecar file of the base generation (0 without one).</summary>
    public long RescoreDiskBytes { get; init; }

    /// <summary>True when the sidecar rows of the base generation are memory-mapped (not counted in <see cref="IndexMemoryBytes"/>).</summary>
    public bool RescoreMapped { get; init; }

    /// <summary>Sidecar rows written since the last checkpoint, held in managed memory until the next one writes a new sidecar.</summary>
    public long RescoreOverflowRows { get; init; }

    /// <summary>The scan kernel family in use ("avx2", "avx512", "neon", "scalar").</summary>
    public required string SimdLevel { get; init; }

    /// <summary>The handle's commit mode.</summary>
    public required CommitMode CommitMode { get; init; }

    /// <summary>The handle's durability.</summary>
    public required Durability Durability { get; init; }

    /// <summary>True for a read-only handle.</summary>
    public required bool ReadOnly { get; init; }

    /// <summary>Embedder use by this handle for stored texts (Add, AddMany).</summary>
    public EmbeddingMetrics IngestEmbeddings { get; init; } = new();

    /// <summary>Embedder use by this handle for queries (Search, SearchMany).</summary>
    public EmbeddingMetrics QueryEmbeddings { get; init; } = new();

    /// <summary>Image embedder use by this handle for stored images (AddImage, AddImages).</summary>
    public ImageEmbeddingMetrics IngestImageEmbeddings { get; init; } = new();

    /// <summary>Image embedder use by this handle for query images (SearchByImage).</summary>
    public ImageEmbeddingMetrics QueryImageEmbeddings { get; init; } = new();
}
