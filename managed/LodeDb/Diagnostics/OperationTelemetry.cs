using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LodeDb.Diagnostics;

/// <summary>
/// One handle's view of <see cref="LodeDbTelemetry"/> and its logger: runs an operation inside an
/// activity, records its duration and warns when it passes the slow-operation threshold.
/// </summary>
internal sealed class OperationTelemetry
{
    public static readonly TimeSpan DefaultSlowThreshold = TimeSpan.FromSeconds(1);

    public OperationTelemetry(string path, LodeDbOptions options)
    {
        Path = path;
        Logger = options.LoggerFactory?.CreateLogger(LodeDbLog.Category) ?? NullLogger.Instance;
        SlowThreshold = options.SlowOperationThreshold ?? DefaultSlowThreshold;
        PathTag = LodeDbTelemetry.PathTag(path);
    }

    public string Path { get; }

    public ILogger Logger { get; }

    public TimeSpan SlowThreshold { get; }

    public KeyValuePair<string, object?> PathTag { get; }

    /// <summary>Runs <paramref name="run"/> inside the activity <paramref name="activityName"/>, recording its duration (also when it fails).</summary>
    public T Run<T>(string activityName, string operation, Histogram<double> duration, Func<Activity?, T> run)
    {
        using Activity? activity = LodeDbTelemetry.ActivitySource.StartActivity(activityName);
        activity?.SetTag("db.system.name", "lodedb");
        activity?.SetTag("lodedb.path", Path);
        long start = Stopwatch.GetTimestamp();
        try
        {
            return run(activity);
        }
        catch (Exception ex)
        {
            // The type only: a message may quote the caller's ids or values.
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            duration.Record(elapsed.TotalSeconds, PathTag);
            if (elapsed >= SlowThreshold)
            {
                LodeDbLog.SlowOperation(Logger, operation, Path, elapsed.TotalMilliseconds, SlowThreshold.TotalMilliseconds);
            }
        }
    }

    /// <summary>Counts searches of one mode (vector, lexical, hybrid, image).</summary>
    public void Searched(int queries, string mode) =>
        LodeDbTelemetry.Searches.Add(queries, PathTag, new KeyValuePair<string, object?>("lodedb.mode", mode));
}
