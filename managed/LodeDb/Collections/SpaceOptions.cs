namespace LodeDb;

/// <summary>
/// The options a collection opens a space's index with: the caller's, plus the recorded identity
/// (so a space reopens with no options) and the collection's handle defaults.
/// </summary>
internal static class SpaceOptions
{
    /// <summary>
    /// Every property of <see cref="LodeDbOptions"/> that <see cref="For"/> copies. A property
    /// added to LodeDbOptions must be copied there too (a test compares this list with the type).
    /// </summary>
    internal static readonly string[] Copied =
    [
        nameof(LodeDbOptions.VectorDim), nameof(LodeDbOptions.Model), nameof(LodeDbOptions.ModelDirectory),
        nameof(LodeDbOptions.PresetOverride), nameof(LodeDbOptions.Embedder), nameof(LodeDbOptions.ModelName),
        nameof(LodeDbOptions.MaxChunkChars), nameof(LodeDbOptions.StoreText), nameof(LodeDbOptions.IndexText),
        nameof(LodeDbOptions.BitWidth), nameof(LodeDbOptions.Seed), nameof(LodeDbOptions.ReadOnly),
        nameof(LodeDbOptions.CommitMode), nameof(LodeDbOptions.Durability), nameof(LodeDbOptions.LockTimeout),
        nameof(LodeDbOptions.CheckpointEveryRecords), nameof(LodeDbOptions.CheckpointEveryBytes),
        nameof(LodeDbOptions.ImageBatchSize), nameof(LodeDbOptions.ImageBatchMaxDecodedBytes),
        nameof(LodeDbOptions.Rescore), nameof(LodeDbOptions.RescoreCandidates), nameof(LodeDbOptions.SearchThreads),
        nameof(LodeDbOptions.WithoutEmbedder),
    ];

    public static LodeDbOptions For(LodeCollection collection, LodeDbOptions options, LodeSpaceInfo? recorded) => new()
    {
        VectorDim = options.VectorDim ?? (recorded?.Kind == LodeSpaceKind.Vector && options.Embedder is null && options.Model is null ? recorded.Dimension : null),
        Model = options.Model ?? (recorded?.Kind == LodeSpaceKind.Preset && !options.WithoutEmbedder ? recorded.Model : null),
        ModelDirectory = options.ModelDirectory,
        PresetOverride = options.PresetOverride,
        Embedder = options.Embedder,
        ModelName = options.ModelName,
        MaxChunkChars = options.MaxChunkChars,
        StoreText = options.StoreText,
        IndexText = options.IndexText,
        BitWidth = options.BitWidth,
        Seed = options.Seed,
        ReadOnly = options.ReadOnly || collection.IsReadOnly,
        CommitMode = options.CommitMode,
        Durability = options.Durability ?? collection.Durability,
        LockTimeout = options.LockTimeout ?? collection.LockTimeout,
        CheckpointEveryRecords = options.CheckpointEveryRecords,
        CheckpointEveryBytes = options.CheckpointEveryBytes,
        ImageBatchSize = options.ImageBatchSize,
        ImageBatchMaxDecodedBytes = options.ImageBatchMaxDecodedBytes,
        Rescore = options.Rescore,
        RescoreCandidates = options.RescoreCandidates,
        SearchThreads = options.SearchThreads,
        WithoutEmbedder = options.WithoutEmbedder,
    };
}
