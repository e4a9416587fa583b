namespace LodeDb.Benchmarks.Storage;

/// <summary>One LodeDb store of the storage benchmark: a row name and the options it is opened with.</summary>
/// <param name="Name">Row name in the results table.</param>
/// <param name="CreateOptions">Options for a new store of the given dimension.</param>
internal sealed record LodeDbConfiguration(string Name, Func<int, LodeDbOptions> CreateOptions)
{
    /// <summary>
    /// Every LodeDb configuration the storage benchmark runs, in table order. Add a row here to
    /// measure another setting. The re-score rows scan the 4-bit codes for the top 100
    /// candidates and re-rank them from the memory-mapped sidecar. Every row searches on one
    /// thread (SearchThreads = 1), like the native peers.
    /// </summary>
    /// <summary>4-bit codes re-ranked from the int8 sidecar: the row the HNSW peers are tuned to match.</summary>
    public static LodeDbConfiguration Int8Rescore { get; } =
        new("LodeDb 4-bit + int8 re-score", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 4, Rescore = RescoreStorage.Int8, SearchThreads = 1 });

    public static IReadOnlyList<LodeDbConfiguration> All { get; } =
    [
        new("LodeDb 4-bit (LodeDatabase, vector-in)", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 4, SearchThreads = 1 }),
        new("LodeDb 2-bit (LodeDatabase, vector-in)", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 2, SearchThreads = 1 }),
        Int8Rescore,
        new("LodeDb 4-bit + float16 re-score", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 4, Rescore = RescoreStorage.Float16, SearchThreads = 1 }),
    ];
}
