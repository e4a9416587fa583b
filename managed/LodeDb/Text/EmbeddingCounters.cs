namespace LodeDb;

/// <summary>Embedder metrics of one purpose (ingest or query): counts and time, never payloads.</summary>
public sealed record EmbeddingMetrics
{
    /// <summary>Calls made to the embedder (one per batch of at most 256 texts).</summary>
    public long Calls { get; init; }

    /// <summary>Texts (chunks or queries) embedded successfully.</summary>
    public long Texts { get; init; }

    /// <summary>Embedding requests that failed (the embedder threw, or returned a wrong count, dimension or value).</summary>
    public long Failures { get; init; }

    /// <summary>Wall-clock time spent embedding, failures included.</summary>
    public TimeSpan Time { get; init; }
}

/// <summary>Thread-safe accumulators behind <see cref="EmbeddingMetrics"/>.</summary>
internal sealed class EmbeddingCounters
{
    private long _calls;
    private long _texts;
    private long _failures;
    private long _ticks;

    public void Called() => Interlocked.Increment(ref _calls);

    public void Succeeded(int texts, TimeSpan elapsed)
    {
        Interlocked.Add(ref _texts, texts);
        Interlocked.Add(ref _ticks, elapsed.Ticks);
    }

    public void Failed(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.Add(ref _ticks, elapsed.Ticks);
    }

    public EmbeddingMetrics Snapshot() => new()
    {
        Calls = Interlocked.Read(ref _calls),
        Texts = Interlocked.Read(ref _texts),
        Failures = Interlocked.Read(ref _failures),
        Time = TimeSpan.FromTicks(Interlocked.Read(ref _ticks)),
    };
}
