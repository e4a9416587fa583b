namespace LodeDb;

/// <summary>
/// The options a collection opens a space's index with: the caller's, plus the recorded identity
/// (so a space reopens with no options) and the collection's handle defaults.
/// </summary>
internal static class SpaceOptions
{
    /// <summary>A copy of <paramref name="options"/> (every setting, by <c>with</c>) completed from the record and the collection.</summary>
    public static LodeDbOptions For(LodeCollection collection, LodeDbOptions options, LodeSpaceInfo? recorded) => options with
    {
        VectorDim = options.VectorDim ?? (recorded?.Kind == LodeSpaceKind.Vector && options.Embedder is null && options.Model is null ? recorded.Dimension : null),
        Model = options.Model ?? (recorded?.Kind == LodeSpaceKind.Preset && !options.WithoutEmbedder ? recorded.Model : null),
        ReadOnly = options.ReadOnly || collection.IsReadOnly,
        Durability = options.Durability ?? collection.Durability,
        LockTimeout = options.LockTimeout ?? collection.LockTimeout,
        LoggerFactory = options.LoggerFactory ?? collection.LoggerFactory,
    };
}
