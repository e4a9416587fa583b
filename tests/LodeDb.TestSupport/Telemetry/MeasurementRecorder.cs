using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LodeDb.TestSupport;

/// <summary>One measurement of a LodeDb instrument.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Listens to the LodeDb meter and activity source (by name, as OpenTelemetry would) and keeps
/// what belongs to one folder (a database, or a collection and its spaces): tests run in parallel, so measurements are matched by
/// their <c>lodedb.path</c> tag.
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly string _path;

    public MeasurementRecorder(string meterName, string folder)
    {
        _path = Path.GetFullPath(folder);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == meterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Belongs(activity.GetTagItem("lodedb.path")))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    public IReadOnlyList<Measurement> Measurements => _measurements.ToArray();

    public IReadOnlyList<Activity> Activities => _stopped.ToArray();

    /// <summary>Collects the observable instruments now (gauges report only when observed).</summary>
    public void ObserveGauges() => _meters.RecordObservableInstruments();

    /// <summary>The sum of an instrument's measurements.</summary>
    public double Sum(string instrument) => Measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>How many measurements an instrument recorded.</summary>
    public int Count(string instrument) => Measurements.Count(m => m.Instrument == instrument);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        if (copy.TryGetValue("lodedb.path", out object? path) && Belongs(path))
        {
            _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
        }
    }

    /// <summary>The folder itself or one below it (a collection's spaces).</summary>
    private bool Belongs(object? path) =>
        path is string p && (p == _path || p.StartsWith(_path + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
