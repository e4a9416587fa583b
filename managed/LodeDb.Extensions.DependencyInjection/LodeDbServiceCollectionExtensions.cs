using LodeDb;
using LodeDb.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a <see cref="LodeDatabase"/> or a <see cref="LodeCollection"/> as a singleton: one
/// handle per folder and process (LodeDb holds a writer lock per folder), opened on first use and
/// closed (checkpointed) when the service provider is disposed.
/// </summary>
public static class LodeDbServiceCollectionExtensions
{
    /// <summary>Registers the database in <paramref name="path"/>, opened with <paramref name="options"/>.</summary>
    public static IServiceCollection AddLodeDb(this IServiceCollection services, string path, LodeDbOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return services.AddLodeDb(path, _ => options ?? new LodeDbOptions());
    }

    /// <summary>
    /// Registers the database in <paramref name="path"/>, opened with the options <paramref name="options"/>
    /// builds from the provider (e.g. an embedder taken from DI).
    /// </summary>
    public static IServiceCollection AddLodeDb(this IServiceCollection services, string path, Func<IServiceProvider, LodeDbOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => LodeDatabase.Open(path, WithLogging(options(sp), sp)));
        return services;
    }

    /// <summary>
    /// Registers the database described by <paramref name="configuration"/> (the keys of
    /// <see cref="LodeDbSettings"/>; an unknown key is an error when the database is resolved).
    /// With <c>ModelName</c> set, the registered <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> is the embedder.
    /// </summary>
    public static IServiceCollection AddLodeDb(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp =>
        {
            LodeDbSettings settings = Bind(configuration);
            string path = settings.Path ?? throw new InvalidOperationException("AddLodeDb: the configuration section has no \"Path\" (the database folder).");
            return LodeDatabase.Open(path, WithLogging(ToOptions(settings, sp), sp));
        });
        return services;
    }

    /// <summary>Registers the collection of spaces in <paramref name="root"/> (spaces are opened with <see cref="LodeCollection.Space"/>).</summary>
    public static IServiceCollection AddLodeCollection(this IServiceCollection services, string root, LodeCollectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        services.AddSingleton(sp => LodeCollection.Open(root, new LodeCollectionOptions
        {
            ReadOnly = options?.ReadOnly ?? false,
            Durability = options?.Durability,
            LockTimeout = options?.LockTimeout,
            LoggerFactory = options?.LoggerFactory ?? sp.GetService<ILoggerFactory>(),
        }));
        return services;
    }

    /// <summary>The registered <see cref="ILoggerFactory"/> when the options name none.</summary>
    private static LodeDbOptions WithLogging(LodeDbOptions options, IServiceProvider sp) =>
        options.LoggerFactory is not null ? options : options with { LoggerFactory = sp.GetService<ILoggerFactory>() };

    /// <summary>Binds <see cref="LodeDbSettings"/> with the source-generated binder; unknown keys throw.</summary>
    internal static LodeDbSettings Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new LodeDbSettings();
        configuration.Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
        return settings;
    }

    /// <summary>The <see cref="LodeDbOptions"/> of <paramref name="settings"/>; the embedder comes from <paramref name="services"/> when a model name is set.</summary>
    internal static LodeDbOptions ToOptions(LodeDbSettings settings, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(services);
        IEmbeddingGenerator<string, Embedding<float>>? embedder = settings.ModelName is null ? null
            : services.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)) as IEmbeddingGenerator<string, Embedding<float>>
              ?? throw new InvalidOperationException($"AddLodeDb: ModelName is '{settings.ModelName}', but no IEmbeddingGenerator<string, Embedding<float>> is registered to embed with it.");
        return new LodeDbOptions
        {
            VectorDim = settings.VectorDim,
            Model = settings.Model,
            ModelDirectory = settings.ModelDirectory,
            Embedder = embedder,
            ModelName = settings.ModelName,
            MaxChunkChars = settings.MaxChunkChars ?? LodeDatabase.DefaultMaxChunkChars,
            StoreText = settings.StoreText,
            IndexText = settings.IndexText,
            StoreContentHash = settings.StoreContentHash ?? true,
            BitWidth = settings.BitWidth,
            Rescore = settings.Rescore,
            SearchThreads = settings.SearchThreads,
            ReadOnly = settings.ReadOnly ?? false,
            CommitMode = settings.CommitMode,
            Durability = settings.Durability,
            LockTimeout = settings.LockTimeout,
        };
    }
}
