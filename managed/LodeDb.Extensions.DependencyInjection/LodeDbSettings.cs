namespace LodeDb.Extensions.DependencyInjection;

/// <summary>
/// The configuration-bindable form of <see cref="LodeDbOptions"/> (a section such as
/// <c>{ "Path": "data/db", "VectorDim": 384, "Durability": "Fsync" }</c>). A custom embedder is a
/// service, not a setting: with <see cref="ModelName"/> set, the registered
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> embeds.
/// </summary>
public sealed class LodeDbSettings
{
    /// <summary>The database folder.</summary>
    public string? Path { get; set; }

    /// <inheritdoc cref="LodeDbOptions.VectorDim"/>
    public int? VectorDim { get; set; }

    /// <inheritdoc cref="LodeDbOptions.Model"/>
    public string? Model { get; set; }

    /// <inheritdoc cref="LodeDbOptions.ModelDirectory"/>
    public string? ModelDirectory { get; set; }

    /// <inheritdoc cref="LodeDbOptions.ModelName"/>
    public string? ModelName { get; set; }

    /// <inheritdoc cref="LodeDbOptions.MaxChunkChars"/>
    public int? MaxChunkChars { get; set; }

    /// <inheritdoc cref="LodeDbOptions.StoreText"/>
    public bool? StoreText { get; set; }

    /// <inheritdoc cref="LodeDbOptions.IndexText"/>
    public bool? IndexText { get; set; }

    /// <inheritdoc cref="LodeDbOptions.StoreContentHash"/>
    public bool? StoreContentHash { get; set; }

    /// <inheritdoc cref="LodeDbOptions.BitWidth"/>
    public int? BitWidth { get; set; }

    /// <inheritdoc cref="LodeDbOptions.Rescore"/>
    public RescoreStorage? Rescore { get; set; }

    /// <inheritdoc cref="LodeDbOptions.SearchThreads"/>
    public int? SearchThreads { get; set; }

    /// <inheritdoc cref="LodeDbOptions.ReadOnly"/>
    public bool? ReadOnly { get; set; }

    /// <inheritdoc cref="LodeDbOptions.CommitMode"/>
    public CommitMode? CommitMode { get; set; }

    /// <inheritdoc cref="LodeDbOptions.Durability"/>
    public Durability? Durability { get; set; }

    /// <inheritdoc cref="LodeDbOptions.LockTimeout"/>
    public TimeSpan? LockTimeout { get; set; }
}
