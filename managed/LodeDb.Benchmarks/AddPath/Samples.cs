using System.Diagnostics;
using System.Globalization;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>Per-operation latencies of one measured step, in microseconds.</summary>
internal sealed class Samples(string name)
{
    private readonly List<double> _micros = [];

    public string Name { get; } = name;

    public int Count => _micros.Count;

    /// <summary>Times <paramref name="count"/> single calls of <paramref name="op"/>, one sample each.</summary>
    public void Measure(int count, Action op)
    {
        for (int i = 0; i < count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            op();
            _micros.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
    }

    public double Percentile(double p)
    {
        var sorted = _micros.Order().ToArray();
        return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public double Mean => _micros.Average();

    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Percentile(0.5):0.0} | {Percentile(0.9):0.0} | {Percentile(0.99):0.0} | {Mean:0.0} | {Count} |");

    public const string Header = "| step | p50 us | p90 us | p99 us | mean us | samples |\n| --- | ---: | ---: | ---: | ---: | ---: |";
}
