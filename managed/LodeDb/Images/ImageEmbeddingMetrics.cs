namespace LodeDb;

/// <summary>Image embedder metrics of one purpose (ingest or query): counts and time, never payloads.</summary>
public sealed record ImageEmbeddingMetrics
{
    /// <summary>Calls made to the image embedder (one per batch).</summary>
    public long Calls { get; init; }

    /// <summary>Images embedded successfully.</summary>
    public long Images { get; init; }

    /// <summary>Calls that failed (the embedder threw, or returned a wrong count, dimension or value). A refused image (bad bytes, too large) never reaches the embedder and is not counted.</summary>
    public long Failures { get; init; }

    /// <summary>Wall-clock time spent in the image embedder, failures included.</summary>
    public TimeSpan Time { get; init; }

    internal static ImageEmbeddingMetrics From(EmbeddingMetrics counters) => new()
    {
        Calls = counters.Calls,
        Images = counters.Texts,
        Failures = counters.Failures,
        Time = counters.Time,
    };
}
