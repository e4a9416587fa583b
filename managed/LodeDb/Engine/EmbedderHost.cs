using System.Globalization;
using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// The handle's embedder: the caller's custom one, or the one a preset provider
/// (<see cref="ModelPresetRegistry"/>; LodeDb.Embeddings.Onnx) loads from the model folder, which
/// the handle then owns and disposes. It answers which embedder an operation may use (text or
/// image side) and keeps the embedding counters of <see cref="LodeStats"/>.
/// </summary>
internal sealed class EmbedderHost(IEmbeddingGenerator<string, Embedding<float>>? embedder) : IDisposable
{
    // The hosts holding a preset model they loaded, for the model gauges (observed on demand).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<EmbedderHost, string> Loaded = new();

    private bool _owns;

    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; private set; } = embedder;

    public EmbeddingCounters IngestText { get; } = new();

    public EmbeddingCounters QueryText { get; } = new();

    public EmbeddingCounters IngestImages { get; } = new();

    public EmbeddingCounters QueryImages { get; } = new();

    /// <summary>The owning handle's metrics and logger (set by the handle after construction).</summary>
    public Diagnostics.OperationTelemetry? Telemetry { get; set; }

    /// <summary>
    /// Loads the embedder of <paramref name="presetName"/> (once per handle) and returns the
    /// preset used. The provider's errors pass through (a missing model folder names the
    /// <c>lodedb models pull</c> command); no provider is a <see cref="NotSupportedException"/>
    /// naming the package to add.
    /// </summary>
    public ModelPreset OpenPreset(string presetName, LodeDbOptions options)
    {
        if (!ModelPresetRegistry.TryGet(presetName, out ModelPreset? preset, out IModelPresetProvider? provider))
        {
            throw ModelPresetRegistry.Unknown(presetName, nameof(options));
        }

        if (options.PresetOverride is { } variant && variant.Name == presetName)
        {
            preset = variant;
        }

        if (Embedder is null)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            Embedder = provider.CreateEmbedder(preset, options.ModelDirectory);
            _owns = true;
            Loaded[this] = presetName;
            TimeSpan elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (Telemetry is { } telemetry)
            {
                Diagnostics.LodeDbTelemetry.ModelLoads.Add(1, telemetry.PathTag, new KeyValuePair<string, object?>("lodedb.model", presetName));
                Diagnostics.LodeDbTelemetry.ModelLoadDuration.Record(elapsed.TotalSeconds, telemetry.PathTag, new KeyValuePair<string, object?>("lodedb.model", presetName));
                Diagnostics.LodeDbLog.ModelLoaded(telemetry.Logger, presetName, telemetry.Path, elapsed.TotalMilliseconds);
            }
        }

        return preset;
    }

    /// <summary>After the identity check of an existing folder: a preset index loads its recorded preset's model.</summary>
    public void OpenRecordedPreset(string folder, StoreIdentity stored, LodeDbOptions options)
    {
        if (stored.Kind != StoreIdentity.PresetKind)
        {
            return;
        }

        OpenPreset(IdentityCheck.PresetNameOf(stored), options);
        int dim = Dimension(Embedder!);
        if (dim != stored.Dim)
        {
            throw new IdentityMismatchException(folder, "Dimension", stored.Dim.ToString(CultureInfo.InvariantCulture), dim.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The text side, or <see cref="InvalidOperationException"/> for a vector-only index.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> RequireText(string operation) =>
        Embedder ?? throw new InvalidOperationException($"{operation} needs an embedder, but this is a vector-only index (no Embedder): pass vectors with AddVector/SearchByVector, or create the index with an Embedder and ModelName.");

    /// <summary>True when images can be added and searched: an image+text index opened with an embedder that has an image side.</summary>
    public bool SupportsImages(StoreIdentity identity) =>
        identity.Task == StoreIdentity.ImageTextTask && Embedder is IEmbeddingGenerator<DataContent, Embedding<float>>;

    /// <summary>The image side, or the typed error saying why this index or handle has none.</summary>
    public IEmbeddingGenerator<DataContent, Embedding<float>> RequireImage(string operation, StoreIdentity identity)
    {
        if (identity.Kind == StoreIdentity.VectorKind)
        {
            throw new NotSupportedException($"{operation} needs an image+text index, but this is a vector-only index ({identity.Dim} dimensions, no embedder). Embed images yourself and use AddVector/SearchByVector, or create an index with an Embedder that also implements IEmbeddingGenerator<DataContent, Embedding<float>>.");
        }

        if (identity.Task != StoreIdentity.ImageTextTask)
        {
            string route = identity.Kind == StoreIdentity.PresetKind ? $"the text preset \"{IdentityCheck.PresetNameOf(identity)}\"" : $"the custom text embedder \"{identity.Model}\"";
            throw new NotSupportedException($"{operation} needs an image+text index, but this is a text index ({route}, task \"{identity.Task}\"): its embedder embeds text only. Create the index with an Embedder that also implements IEmbeddingGenerator<DataContent, Embedding<float>>.");
        }

        return Embedder as IEmbeddingGenerator<DataContent, Embedding<float>>
            ?? throw new InvalidOperationException($"{operation}: this image+text index (\"{identity.Model}\") was opened with an embedder that has no image side. Open it with an Embedder that also implements IEmbeddingGenerator<DataContent, Embedding<float>> to add or search images; text calls work as they are.");
    }

    /// <summary>The task recorded for an index created with <paramref name="embedder"/>: image+text when it has an image side.</summary>
    public static string TaskFor(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        embedder is IEmbeddingGenerator<DataContent, Embedding<float>> ? StoreIdentity.ImageTextTask : StoreIdentity.TextTask;

    /// <summary>The dimension an embedder announces in its metadata, or null.</summary>
    public static int? MetadataDimension(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        embedder.GetService(typeof(EmbeddingGeneratorMetadata)) is EmbeddingGeneratorMetadata { DefaultModelDimensions: int dim } && dim > 0 ? dim : null;

    /// <summary>The dimension to pin at creation: the embedder's metadata, else the length of its first output.</summary>
    public static int Dimension(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        int dim = MetadataDimension(embedder) ?? ProbeDimension(embedder);
        if (!StoreLimits.IsDimension(dim))
        {
            throw new LodeDatabaseException($"The embedder produces {dim}-dimensional embeddings; an index holds 1 to {StoreLimits.MaxDimension}.");
        }

        return dim;
    }

    private static int ProbeDimension(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        GeneratedEmbeddings<Embedding<float>> probe = SyncBridge.Run(() => embedder.GenerateAsync(["dimension probe"]));
        return probe.Count > 0
            ? probe[0].Vector.Length
            : throw new LodeDatabaseException("The embedder returned no embedding for a probe text, so the index dimension cannot be determined.");
    }

    public void Dispose()
    {
        if (_owns)
        {
            Loaded.TryRemove(this, out _);
            (Embedder as IDisposable)?.Dispose();
            _owns = false;
        }
    }

    /// <summary>One measurement per preset model an open handle loaded: 1, tagged with the handle's path and the preset.</summary>
    internal static IEnumerable<System.Diagnostics.Metrics.Measurement<long>> LoadedModels() =>
        Loaded.Select(entry => new System.Diagnostics.Metrics.Measurement<long>(1, entry.Key.Tags(entry.Value)));

    /// <summary>The <see cref="ModelFootprint"/> bytes of each loaded preset model whose embedder reports one.</summary>
    internal static IEnumerable<System.Diagnostics.Metrics.Measurement<long>> LoadedModelBytes()
    {
        foreach ((EmbedderHost host, string preset) in Loaded)
        {
            ModelFootprint? footprint;
            try
            {
                footprint = host.Embedder?.GetService(typeof(ModelFootprint)) as ModelFootprint;
            }
            catch (ObjectDisposedException)
            {
                continue; // closed while observed
            }

            if (footprint is not null)
            {
                yield return new System.Diagnostics.Metrics.Measurement<long>(footprint.FileBytes, host.Tags(preset));
            }
        }
    }

    private KeyValuePair<string, object?>[] Tags(string preset) =>
        [Telemetry?.PathTag ?? new("lodedb.path", null), new("lodedb.model", preset)];
}
