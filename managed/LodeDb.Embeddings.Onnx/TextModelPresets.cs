namespace LodeDb.Embeddings.Onnx;

/// <summary>The built-in text model presets (see the behaviour contract): <c>minilm</c> and <c>bge</c>.</summary>
public static class TextModelPresets
{
    /// <summary>Environment variable overriding the pinned revision of <c>minilm</c>.</summary>
    public const string MiniLmRevisionVariable = "LODEDB_MINILM_REVISION";

    /// <summary>Environment variable overriding the pinned revision of <c>bge</c>.</summary>
    public const string BgeRevisionVariable = "LODEDB_BGE_REVISION";

    /// <summary>
    /// Pinned commit of sentence-transformers/all-MiniLM-L6-v2. Taken from public references to the
    /// hub snapshot (no hub access from the machines this was written on); override with
    /// <see cref="MiniLmRevisionVariable"/> or <c>MiniLm with { Revision = ... }</c>.
    /// </summary>
    public const string MiniLmDefaultRevision = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf";

    /// <summary>
    /// Pinned commit of BAAI/bge-base-en-v1.5 (from public references, not checked against the hub
    /// here); override with <see cref="BgeRevisionVariable"/> or <c>Bge with { Revision = ... }</c>.
    /// </summary>
    public const string BgeDefaultRevision = "a5beb1e3e68b9ab74eb54cfd186867f64f240e1a";

    /// <summary>Size of the uncased BERT WordPiece vocabulary both presets use.</summary>
    public const int BertUncasedVocabularySize = 30522;

    /// <summary>bge's instruction for retrieval queries (documents are embedded without it).</summary>
    public const string BgeQueryPrefix = "Represent this sentence for searching relevant passages: ";

    /// <summary>sentence-transformers/all-MiniLM-L6-v2: 384-d, mean pooling, no prefix.</summary>
    public static TextModelPreset MiniLm => new(
        "minilm",
        "sentence-transformers/all-MiniLM-L6-v2",
        RevisionFromEnvironment(MiniLmRevisionVariable, MiniLmDefaultRevision),
        384,
        PoolingMode.Mean,
        null,
        ["onnx/model.onnx", "tokenizer.json", "vocab.txt", "tokenizer_config.json"])
    { VocabularySize = BertUncasedVocabularySize };

    /// <summary>BAAI/bge-base-en-v1.5: 768-d, CLS pooling, query prefix <see cref="BgeQueryPrefix"/>.</summary>
    public static TextModelPreset Bge => new(
        "bge",
        "BAAI/bge-base-en-v1.5",
        RevisionFromEnvironment(BgeRevisionVariable, BgeDefaultRevision),
        768,
        PoolingMode.Cls,
        BgeQueryPrefix,
        ["onnx/model.onnx", "vocab.txt", "tokenizer_config.json"])
    { VocabularySize = BertUncasedVocabularySize };

    /// <summary>The preset names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["minilm", "bge"];

    /// <summary>Every text preset (revisions read from the environment at each call).</summary>
    public static IReadOnlyList<TextModelPreset> All => [MiniLm, Bge];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such preset; the message lists the known ones.</exception>
    public static TextModelPreset Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out TextModelPreset? preset)
            ? preset
            : throw new ArgumentException($"'{name}' is not a text model preset; use one of: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>Looks a preset up by name (case-insensitive).</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TextModelPreset? preset)
    {
        preset = name?.Trim().ToLowerInvariant() switch
        {
            "minilm" => MiniLm,
            "bge" => Bge,
            _ => null,
        };
        return preset is not null;
    }

    /// <summary>The CLI command that downloads <paramref name="preset"/>.</summary>
    public static string PullCommand(string preset) => ModelPresets.PullCommand(preset);

    private static string RevisionFromEnvironment(string variable, string pinned)
    {
        string? value = Environment.GetEnvironmentVariable(variable)?.Trim();
        return string.IsNullOrEmpty(value) ? pinned : value;
    }
}
