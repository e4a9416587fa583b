using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LodeDb.Benchmarks;

/// <summary>
/// Columns every LodeDb benchmark shows: median (P50), P95 and allocations. Applied with
/// <c>[Config(typeof(LatencyConfig))]</c>; jobs come from the command line (Program.cs).
/// </summary>
public sealed class LatencyConfig : ManualConfig
{
    public LatencyConfig()
    {
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}

/// <summary><see cref="LatencyConfig"/> plus the managed-overhead column (median minus the baseline's median).</summary>
public sealed class OverheadConfig : ManualConfig
{
    public OverheadConfig()
    {
        AddColumn(StatisticColumn.P50, StatisticColumn.P95);
        AddColumn(new OverheadColumn());
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}

/// <summary>
/// The time a benchmark adds over the baseline of its group: median(this) - median(baseline), in
/// microseconds. For the managed-overhead benchmarks the baseline is the raw native scan, so this
/// is the managed cost of one search call (target: under 5 us).
/// </summary>
public sealed class OverheadColumn : IColumn
{
    public string Id => nameof(OverheadColumn);

    public string ColumnName => "Overhead P50 (us)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median of this benchmark minus the median of its group's baseline (the native scan), in microseconds";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Descriptor.Baseline)
        {
            return "0 (baseline)";
        }

        BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? self = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? reference = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        if (self is null || reference is null)
        {
            return "?";
        }

        double microseconds = (self.Value - reference.Value) / 1_000.0;
        return microseconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}

/// <summary><see cref="LatencyConfig"/> plus <see cref="PerSecondColumn"/>: for benchmarks reported per item (OperationsPerInvoke).</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
        AddColumn(new PerSecondColumn());
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}

/// <summary>
/// Items per second at the median: 1 s / P50 of one operation. With OperationsPerInvoke = n the
/// operation is one item (e.g. one text embedded), so this is the throughput in items/s.
/// </summary>
public sealed class PerSecondColumn : IColumn
{
    public string Id => nameof(PerSecondColumn);

    public string ColumnName => "Texts/s (P50)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "1 second divided by the median time of one operation (one text): texts per second";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Median;
        return nanoseconds is > 0
            ? (1e9 / nanoseconds.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "?";
    }

    public override string ToString() => ColumnName;
}
