using System.Globalization;

namespace LodeDb.Benchmarks.Storage;

/// <summary>Single-query latencies (milliseconds) and recall@10 of one store over the timed queries.</summary>
internal sealed record QueryTiming(double Mean, double P50, double P95, double P99, double Recall, int Count);

/// <summary>One row of the storage benchmark's table.</summary>
internal sealed record StorageResult
{
    public required string Name { get; init; }

    /// <summary>Seconds to put every vector in (LodeDb: adds + Persist; HNSW: the graph build).</summary>
    public required double IngestSeconds { get; init; }

    public required long DiskBytes { get; init; }

    /// <summary>Bytes of the index in RAM (LodeDb: Stats().IndexMemoryBytes; exact scan: its float array; USearch: usearch_memory_usage).</summary>
    public required long ResidentBytes { get; init; }

    /// <summary>LodeDb: Stats().IndexMemoryBytes on the writer after Persist (null for other stores).</summary>
    public long? ResidentWhileWritingBytes { get; init; }

    /// <summary>Process working set after opening the store (exact: building it) minus before (a cross-check).</summary>
    public required long WorkingSetDeltaBytes { get; init; }

    public required QueryTiming Timing { get; init; }

    /// <summary>The search setting the row ran with (HNSW: the tuned expansion), or null.</summary>
    public string? Setting { get; init; }

    public const string Header =
        "| store | ingest s | on disk MB | disk B/vector | resident MB | resident while writing MB | working-set delta MB | mean ms | p50 ms | p95 ms | p99 ms | recall@10 | queries | setting |\n" +
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |";

    /// <summary>The Markdown table row.</summary>
    public string ToMarkdown(int vectorCount) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Name} | {IngestSeconds:0.00} | {DiskBytes / 1e6:0.00} | {(double)DiskBytes / vectorCount:0} | {ResidentBytes / 1e6:0.00} | {(ResidentWhileWritingBytes is long w ? (w / 1e6).ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {WorkingSetDeltaBytes / 1e6:0.00} | {Timing.Mean:0.000} | {Timing.P50:0.000} | {Timing.P95:0.000} | {Timing.P99:0.000} | {Timing.Recall:0.000} | {Timing.Count} | {Setting ?? ""} |");
}
