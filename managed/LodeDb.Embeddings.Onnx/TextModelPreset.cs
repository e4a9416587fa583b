namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A known text model: where its files come from (Hugging Face repository, pinned revision, the
/// exact files) and how it is used (dimension, pooling, query prefix). Records are immutable;
/// derive a variant with <c>with</c> (e.g. another <see cref="ModelPreset.Revision"/>).
/// </summary>
/// <param name="Name">Short name used by options and the CLI (<c>minilm</c>, <c>bge</c>).</param>
/// <param name="Repository">Hugging Face repository id.</param>
/// <param name="Revision">Commit of the repository the files are taken from.</param>
/// <param name="Dimension">Embedding dimension (hidden size of the model).</param>
/// <param name="Pooling">How token vectors become one vector.</param>
/// <param name="QueryPrefix">Instruction prepended to queries only, or null.</param>
/// <param name="Files">The exact repository files a pull fetches (relative paths, '/' separated).</param>
public sealed record TextModelPreset(
    string Name,
    string Repository,
    string Revision,
    int Dimension,
    PoolingMode Pooling,
    string? QueryPrefix,
    IReadOnlyList<string> Files) : ModelPreset(Name, Repository, Revision, Dimension, Files)
{
    /// <summary>Maximum tokens per text, [CLS] and [SEP] included (sentence-transformers' max_seq_length for both presets).</summary>
    public int MaxSequenceLength { get; init; } = OnnxTextEmbedderOptions.DefaultMaxSequenceLength;

    /// <summary>Tokens the preset's vocab.txt holds (30,522 for the uncased BERT vocabulary of both presets); <c>models import</c> checks it. Null: not checked.</summary>
    public int? VocabularySize { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> RequiredFiles =>
        [.. Files.Where(f => f is not (WordPieceTextTokenizer.ConfigFileName or "tokenizer.json"))];

    /// <summary>Embedder options matching the preset (pooling, query prefix, max length, model id).</summary>
    public OnnxTextEmbedderOptions ToOptions() => new()
    {
        Pooling = Pooling,
        QueryPrefix = QueryPrefix,
        MaxSequenceLength = MaxSequenceLength,
        ModelId = Repository,
        ExpectedDimension = Dimension,
        Preset = Name,
    };
}
