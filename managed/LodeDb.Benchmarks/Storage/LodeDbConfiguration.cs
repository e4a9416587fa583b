namespace LodeDb.Benchmarks.Storage;

/// <summary>One LodeDb store of the storage benchmark: a row name and the options it is opened with.</summary>
/// <param name="Name">Row name in the results table.</param>
/// <param name="CreateOptions">Options for a new store of the given dimension.</param>
/// <param name="TuneCandidatesTo">
/// When set, the benchmark picks the smallest <see cref="LodeDbOptions.RescoreCandidates"/> of
/// <see cref="CandidateSteps"/> whose recall@10 over the tuning queries reaches this value, the
/// same way the HNSW peers' ef is tuned; the HNSW peers are then tuned to the recall this row reached.
/// </param>
internal sealed record LodeDbConfiguration(string Name, Func<int, LodeDbOptions> CreateOptions, double? TuneCandidatesTo = null)
{
    /// <summary>Re-score candidate counts tried, smallest first.</summary>
    public static IReadOnlyList<int> CandidateSteps { get; } = [20, 30, 40, 50, 60, 75, 100, 125, 150, 200, 300, 400, 600, 800, 1200];

    /// <summary>4-bit codes re-ranked from the int8 sidecar (100 candidates, the default): the HNSW peers are tuned to its recall.</summary>
    public static LodeDbConfiguration Int8Rescore { get; } =
        new("LodeDb 4-bit + int8 re-score", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 4, Rescore = RescoreStorage.Int8, SearchThreads = 1 });

    /// <summary>
    /// 2-bit codes (half the bytes a query streams) re-ranked from the int8 sidecar, candidates
    /// tuned to recall@10 0.99: issue 12's "recall >= 0.99 at a lower p50 than HNSW" row.
    /// </summary>
    public static LodeDbConfiguration Int8RescoreTwoBit { get; } =
        new("LodeDb 2-bit + int8 re-score", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 2, Rescore = RescoreStorage.Int8, SearchThreads = 1 }, 0.99);

    /// <summary>
    /// <see cref="Int8RescoreTwoBit"/> with the sign sketch as the candidate scan (one bit per
    /// coordinate: half the bytes of the 2-bit codes), candidates tuned to recall@10 0.99 the same way.
    /// </summary>
    public static LodeDbConfiguration Int8RescoreTwoBitSketch { get; } =
        new("LodeDb 2-bit + int8 re-score, sign-sketch first pass", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 2, Rescore = RescoreStorage.Int8, RescoreFirstPass = RescoreFirstPass.SignSketch, SearchThreads = 1 }, 0.99);

    /// <summary>
    /// Every LodeDb configuration the storage benchmark runs, in table order. Add a row here to
    /// measure another setting. Every row searches on one thread (SearchThreads = 1), like the
    /// native peers.
    /// </summary>
    public static IReadOnlyList<LodeDbConfiguration> All { get; } =
    [
        new("LodeDb 4-bit (LodeDatabase, vector-in)", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 4, SearchThreads = 1 }),
        new("LodeDb 2-bit (LodeDatabase, vector-in)", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 2, SearchThreads = 1 }),
        Int8Rescore,
        Int8RescoreTwoBit,
        Int8RescoreTwoBitSketch,
        new("LodeDb 4-bit + float16 re-score", dim => new LodeDbOptions { VectorDim = dim, BitWidth = 4, Rescore = RescoreStorage.Float16, SearchThreads = 1 }),
    ];
}
