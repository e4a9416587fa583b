namespace LodeDb.Embeddings.Onnx;

/// <summary>Where and how <see cref="ModelDownloader"/> downloads.</summary>
public sealed class ModelDownloaderOptions
{
    /// <summary>Default <see cref="Timeout"/>: 60 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Base address of the hub (e.g. a mirror). Null: <c>LODEDB_HF_ENDPOINT</c>, else
    /// <c>https://huggingface.co</c>. Files are read from <c>{endpoint}/{repo}/resolve/{revision}/{path}</c>
    /// and the listing from <c>{endpoint}/api/models/{repo}/tree/{revision}?recursive=true</c>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// Longest wait for a response's headers, and for each read of a body once it flows (a stall);
    /// the whole transfer of a large file is not bounded by it. Default 60 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>User-Agent sent with each request (default <c>LodeDb/&lt;version&gt; (model pull)</c>).</summary>
    public string? UserAgent { get; set; }
}
