using Microsoft.Extensions.Configuration;

namespace LodeDb.VectorData;

/// <summary>
/// The configuration-bound part of <see cref="LodeVectorStoreOptions"/> (everything but the
/// embedding generator, a service rather than a setting), bound by the source-generated binder.
/// </summary>
internal sealed class StoreSettings
{
    public string? Path { get; set; }

    public int? BitWidth { get; set; }

    public RescoreStorage? Rescore { get; set; }

    public Durability? Durability { get; set; }

    public TimeSpan? LockTimeout { get; set; }

    public bool? ReadOnly { get; set; }

    /// <summary>Applies the keys present in <paramref name="configuration"/> to <paramref name="options"/>.</summary>
    public static void Bind(IConfiguration configuration, LodeVectorStoreOptions options)
    {
        var settings = new StoreSettings();
        configuration.Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
        options.Path = settings.Path ?? options.Path;
        options.BitWidth = settings.BitWidth ?? options.BitWidth;
        options.Rescore = settings.Rescore ?? options.Rescore;
        options.Durability = settings.Durability ?? options.Durability;
        options.LockTimeout = settings.LockTimeout ?? options.LockTimeout;
        options.ReadOnly = settings.ReadOnly ?? options.ReadOnly;
    }
}
