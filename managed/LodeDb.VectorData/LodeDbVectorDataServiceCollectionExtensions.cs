using System.Diagnostics.CodeAnalysis;
using LodeDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the LodeDb <see cref="VectorStore"/> and its collections. One store per process and
/// folder: LodeDb holds a writer lock per space, so every collection is taken from the registered
/// <see cref="LodeVectorStore"/> (singleton), which closes the folder when the provider is disposed.
/// </summary>
public static class LodeDbVectorDataServiceCollectionExtensions
{
    private const string ReflectionMessage = "Mapping a .NET record type uses reflection; for NativeAOT and trimming register AddLodeDbDynamicCollection (Dictionary<string, object?> records).";

    /// <summary>
    /// Registers <see cref="LodeVectorStore"/> as <see cref="VectorStore"/> over the collection
    /// folder <paramref name="path"/> (or <see cref="LodeVectorStoreSettings.Path"/> when null),
    /// with options from <see cref="IOptions{LodeVectorStoreOptions}"/> (e.g. bound from configuration)
    /// then <paramref name="configure"/>. Without an embedding generator in the options, the
    /// registered <see cref="IEmbeddingGenerator"/> (if any) embeds string vector properties.
    /// </summary>
    public static IServiceCollection AddLodeDbVectorStore(this IServiceCollection services, string? path = null, Action<LodeVectorStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LodeVectorStoreOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton(sp =>
        {
            LodeVectorStoreOptions configured = sp.GetRequiredService<IOptions<LodeVectorStoreOptions>>().Value;
            string folder = path ?? configured.Path
                ?? throw new InvalidOperationException("AddLodeDbVectorStore needs a folder: pass a path, or set LodeVectorStoreOptions.Path (e.g. the \"Path\" key of the bound configuration section).");
            return LodeVectorStore.Open(folder, WithServices(configured, sp));
        });
        services.AddSingleton<VectorStore>(static sp => sp.GetRequiredService<LodeVectorStore>());
        return services;
    }

    /// <summary>
    /// As <see cref="AddLodeDbVectorStore(IServiceCollection, string?, Action{LodeVectorStoreOptions}?)"/>,
    /// with the options (Path, BitWidth, Rescore, Durability, LockTimeout, ReadOnly) bound from <paramref name="configuration"/>.
    /// </summary>
    public static IServiceCollection AddLodeDbVectorStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddLodeDbVectorStore(path: null, options => BindSettings(configuration, options));
    }

    /// <summary>
    /// Registers the collection <paramref name="name"/> of <typeparamref name="TRecord"/> from the
    /// registered <see cref="LodeVectorStore"/> as <see cref="VectorStoreCollection{TKey, TRecord}"/>,
    /// <see cref="IVectorSearchable{TRecord}"/> and <see cref="IKeywordHybridSearchable{TRecord}"/>.
    /// Register the store with <c>AddLodeDbVectorStore</c> too.
    /// </summary>
    [RequiresDynamicCode(ReflectionMessage)]
    [RequiresUnreferencedCode(ReflectionMessage)]
    public static IServiceCollection AddLodeDbCollection<TKey, TRecord>(this IServiceCollection services, string name, VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(sp => sp.GetRequiredService<LodeVectorStore>().GetCollection<TKey, TRecord>(name, definition));
        services.AddSingleton<VectorStoreCollection<TKey, TRecord>>(static sp => sp.GetRequiredService<LodeSpaceCollection<TKey, TRecord>>());
        services.AddSingleton<IVectorSearchable<TRecord>>(static sp => sp.GetRequiredService<LodeSpaceCollection<TKey, TRecord>>());
        services.AddSingleton<IKeywordHybridSearchable<TRecord>>(static sp => sp.GetRequiredService<LodeSpaceCollection<TKey, TRecord>>());
        return services;
    }

    /// <summary>
    /// Registers the collection <paramref name="name"/> of <c>Dictionary&lt;string, object?&gt;</c>
    /// records described by <paramref name="definition"/> (NativeAOT- and trimming-safe), keyed by
    /// <paramref name="name"/>: resolve it with <c>GetRequiredKeyedService&lt;VectorStoreCollection&lt;object, Dictionary&lt;string, object?&gt;&gt;&gt;(name)</c>
    /// (also as <c>IVectorSearchable</c> and <c>IKeywordHybridSearchable</c> of those records).
    /// </summary>
    public static IServiceCollection AddLodeDbDynamicCollection(this IServiceCollection services, string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definition);
        services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<LodeVectorStore>().GetDynamicCollection(name, definition));
        services.AddKeyedSingleton<VectorStoreCollection<object, Dictionary<string, object?>>>(name, static (sp, key) => sp.GetRequiredKeyedService<LodeSpaceDynamicCollection>(key));
        services.AddKeyedSingleton<IVectorSearchable<Dictionary<string, object?>>>(name, static (sp, key) => sp.GetRequiredKeyedService<LodeSpaceDynamicCollection>(key));
        services.AddKeyedSingleton<IKeywordHybridSearchable<Dictionary<string, object?>>>(name, static (sp, key) => sp.GetRequiredKeyedService<LodeSpaceDynamicCollection>(key));
        return services;
    }

    /// <summary>Binds the keys present in <paramref name="configuration"/> onto the settings part of <paramref name="settings"/> (the services are not settings); an unknown key throws.</summary>
    private static void BindSettings(IConfiguration configuration, LodeVectorStoreSettings settings) =>
        configuration.Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);

    /// <summary>The options completed from the container: its embedding generator and logger factory where the options set none (a copy; the configured instance is left alone).</summary>
    private static LodeVectorStoreOptions WithServices(LodeVectorStoreOptions options, IServiceProvider sp)
    {
        LodeVectorStoreOptions copy = options.Copy();
        copy.EmbeddingGenerator ??= sp.GetService<IEmbeddingGenerator>() ?? sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>();
        copy.LoggerFactory ??= sp.GetService<ILoggerFactory>();
        return copy;
    }
}
