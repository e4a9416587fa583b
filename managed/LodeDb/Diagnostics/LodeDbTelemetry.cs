using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LodeDb.Diagnostics;

/// <summary>
/// LodeDb's metrics and traces through System.Diagnostics, so OpenTelemetry (or dotnet-counters,
/// or a <see cref="MeterListener"/>) picks them up with no LodeDb dependency on it: subscribe to the
/// meter and the activity source named <see cref="Name"/>. Durations are in seconds.
/// </summary>
/// <remarks>
/// Instruments: <c>lodedb.searches</c> (queries, tag <c>lodedb.mode</c>: vector, lexical, hybrid, image),
/// <c>lodedb.search.duration</c>, <c>lodedb.rows.added</c> (tag <c>lodedb.kind</c>: vector, text, image),
/// <c>lodedb.add.duration</c>, <c>lodedb.rows.removed</c>, <c>lodedb.wal.bytes</c> (bytes appended to
/// write-ahead logs), <c>lodedb.checkpoint.duration</c>, <c>lodedb.model.loads</c> and
/// <c>lodedb.model.load.duration</c> (preset models a handle loaded), and the observable gauges
/// <c>lodedb.models.loaded</c> (1 per open handle and preset model it holds, tag <c>lodedb.model</c>)
/// and <c>lodedb.models.loaded.bytes</c> (the <see cref="Presets.ModelFootprint"/> its embedder reports).
/// Activities: <c>lodedb.search</c>, <c>lodedb.add</c>, <c>lodedb.checkpoint</c>. Every measurement
/// carries <c>lodedb.path</c> (the database folder). Payloads (texts, vectors, metadata) never are.
/// </remarks>
public static class LodeDbTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "LodeDb";

    private static readonly string? Version = typeof(LodeDbTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The source of LodeDb's activities (search, add, checkpoint).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Counter<long> Searches = Meter.CreateCounter<long>("lodedb.searches", "{query}", "Queries answered.");

    internal static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>("lodedb.search.duration", "s", "Time to answer a search call (all its queries), embedding included.");

    internal static readonly Counter<long> RowsAdded = Meter.CreateCounter<long>("lodedb.rows.added", "{row}", "Documents, vectors and images added or replaced.");

    internal static readonly Histogram<double> AddDuration = Meter.CreateHistogram<double>("lodedb.add.duration", "s", "Time of an add call, embedding and commit included.");

    internal static readonly Counter<long> RowsRemoved = Meter.CreateCounter<long>("lodedb.rows.removed", "{row}", "Rows removed.");

    internal static readonly Counter<long> WalBytes = Meter.CreateCounter<long>("lodedb.wal.bytes", "By", "Bytes appended to write-ahead logs.");

    internal static readonly Histogram<double> CheckpointDuration = Meter.CreateHistogram<double>("lodedb.checkpoint.duration", "s", "Time to fold a write-ahead log into a new generation.");

    internal static readonly Counter<long> ModelLoads = Meter.CreateCounter<long>("lodedb.model.loads", "{model}", "Preset models loaded by opening handles (each handle loads its own).");

    internal static readonly Histogram<double> ModelLoadDuration = Meter.CreateHistogram<double>("lodedb.model.load.duration", "s", "Time to load a preset model.");

    internal static readonly ObservableGauge<long> ModelsLoaded = Meter.CreateObservableGauge(
        "lodedb.models.loaded", EmbedderHost.LoadedModels, "{model}", "Preset models held by open handles (1 per handle and model).");

    internal static readonly ObservableGauge<long> ModelsLoadedBytes = Meter.CreateObservableGauge(
        "lodedb.models.loaded.bytes", EmbedderHost.LoadedModelBytes, "By", "On-disk bytes of the model files behind the open sessions of loaded preset models (ModelFootprint); not process memory.");

    internal static KeyValuePair<string, object?> PathTag(string path) => new("lodedb.path", path);
}
