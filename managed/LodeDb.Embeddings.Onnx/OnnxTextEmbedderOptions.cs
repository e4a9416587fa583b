namespace LodeDb.Embeddings.Onnx;

/// <summary>How an <see cref="OnnxTextEmbedder"/> tokenizes, runs and pools. Read once when the embedder opens.</summary>
public sealed class OnnxTextEmbedderOptions
{
    /// <summary>Default <see cref="MaxSequenceLength"/>: sentence-transformers' max_seq_length of both presets.</summary>
    public const int DefaultMaxSequenceLength = 256;

    /// <summary>Default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>How token vectors become one vector (default mean).</summary>
    public PoolingMode Pooling { get; set; } = PoolingMode.Mean;

    /// <summary>Tokens per text including [CLS] and [SEP]; longer texts are truncated (default 256, at least 2).</summary>
    public int MaxSequenceLength { get; set; } = DefaultMaxSequenceLength;

    /// <summary>Texts per model run; each batch is padded to its longest text (default 32).</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Prepended to texts embedded as <see cref="EmbeddingPurpose.Query"/> (bge's instruction); null for none.</summary>
    public string? QueryPrefix { get; set; }

    /// <summary>Model id reported in metadata and on each embedding; default: the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>When set, opening fails unless the model's hidden size equals it (a preset's dimension).</summary>
    public int? ExpectedDimension { get; set; }

    /// <summary>Preset the folder belongs to, used in error messages (the pull command); null for a custom folder.</summary>
    public string? Preset { get; set; }

    /// <summary>
    /// Threads ONNX Runtime uses inside one run; 0 (default) lets it choose. Calls from several
    /// threads run concurrently on the one shared session either way.
    /// </summary>
    public int IntraOpNumThreads { get; set; }

    internal void Validate()
    {
        if (MaxSequenceLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength, "MaxSequenceLength must be at least 2 ([CLS] and [SEP]).");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        }

        if (ExpectedDimension is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpectedDimension), ExpectedDimension, "ExpectedDimension must be positive.");
        }

        if (IntraOpNumThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), IntraOpNumThreads, "IntraOpNumThreads must be 0 (automatic) or positive.");
        }

        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Unknown pooling mode.");
        }
    }
}
