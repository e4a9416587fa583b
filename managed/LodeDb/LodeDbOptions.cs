using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LodeDb;

/// <summary>
/// How to open or create a database. Identity fields (<see cref="VectorDim"/>,
/// <see cref="BitWidth"/>, <see cref="Seed"/>, <see cref="Model"/>) are recorded on create and
/// checked on every later open; leave them unset to reuse the recorded identity. A record: derive
/// a variant with <c>options with { ReadOnly = true }</c>, which copies every other setting.
/// </summary>
public sealed record LodeDbOptions
{
    /// <summary>Dimension of a vector-only index (1..65536); the caller passes vectors.</summary>
    public int? VectorDim { get; init; }

    /// <summary>
    /// A preset model: "minilm" (sentence-transformers/all-MiniLM-L6-v2, 384-d text), "bge"
    /// (BAAI/bge-base-en-v1.5, 768-d text, query prefix) or "clip" (clip-ViT-B-32 as exported by
    /// Xenova/clip-vit-base-patch32, 512-d: text and images in one space, so <c>AddImage</c>,
    /// <c>SearchByImage</c> and text search of images work). The model files are read from
    /// <see cref="ModelDirectory"/> (download them with <c>lodedb models pull &lt;preset&gt;</c>).
    /// A preset fixes the dimension and the bit width (4). Mutually exclusive with
    /// <see cref="VectorDim"/> and <see cref="Embedder"/>.
    /// Unset on reopen: the recorded preset is used.
    /// </summary>
    public string? Model { get; init; }

    /// <summary>
    /// Models root of a preset index: the preset's files are in <c>&lt;root&gt;/&lt;preset&gt;</c> (or in
    /// the root itself). Default: the <c>LODEDB_MODEL_DIR</c> environment variable, else the
    /// per-user cache (<c>LocalApplicationData/lodedb/models</c>). Not recorded in the index.
    /// </summary>
    public string? ModelDirectory { get; init; }

    /// <summary>
    /// Tests only: a variant of the preset named by <see cref="Model"/> (or recorded in the
    /// index) to load instead of the built-in one, e.g. with another dimension for a fixture model.
    /// </summary>
    internal LodeDb.Presets.ModelPreset? PresetOverride { get; init; }

    /// <summary>Set by <see cref="Graph.LodeGraph"/>: the folder is (or is created as) a graph store.</summary>
    internal bool GraphStore { get; init; }

    /// <summary>Set by <see cref="Graph.LodeGraph"/>: the parent database's loaded preset model, used (not owned) instead of loading the preset again.</summary>
    internal Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>? SharedPresetEmbedder { get; init; }

    /// <summary>
    /// A custom text embedder: <c>Add(text)</c> and <c>Search(text)</c> call it (queries with the
    /// additional property <c>lodedb.purpose = "query"</c>). Needs <see cref="ModelName"/>;
    /// mutually exclusive with <see cref="VectorDim"/> and <see cref="Model"/>. The dimension is
    /// taken from the embedder's metadata (or its first output) when the index is created and
    /// pinned; reopening a custom index needs an embedder again.
    /// An embedder that also implements <c>IEmbeddingGenerator&lt;DataContent, Embedding&lt;float&gt;&gt;</c>
    /// (image and text in one space) makes an image+text index: <c>AddImage</c>, <c>AddImages</c>
    /// and <c>SearchByImage</c> use its image side. A text index refuses such an embedder on reopen;
    /// an image+text index opened with a text-only one allows text calls only.
    /// </summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; init; }

    /// <summary>
    /// The name recorded (and re-checked on every open) for <see cref="Embedder"/>: required,
    /// non-empty, and not a secret (it is written to the folder in plain text).
    /// </summary>
    public string? ModelName { get; init; }

    /// <summary>Longest chunk of an added text, in characters, not counting whitespace at a chunk's end (default 900, at least 16).</summary>
    public int MaxChunkChars { get; init; } = LodeDatabase.DefaultMaxChunkChars;

    /// <summary>
    /// Keep the raw text of every chunk (default true; recorded on create, an explicit
    /// conflicting value on reopen is rejected). False: no raw text reaches the disk anywhere,
    /// write-ahead log included; <see cref="LodeDatabase.GetText"/> then throws.
    /// </summary>
    public bool? StoreText { get; init; }

    /// <summary>
    /// Keep each chunk's lexical terms so lexical and hybrid search work without stored text
    /// (default: the value of <see cref="StoreText"/>; recorded on create). With stored text the
    /// terms are derived from it; with neither, lexical and hybrid search throw.
    /// </summary>
    public bool? IndexText { get; init; }

    /// <summary>
    /// Store each added document's content hash (<see cref="LodeRecord.ContentHash"/>, SHA-256 of
    /// its text, vector or image bytes; default true). Not recorded: it applies to the adds of
    /// this handle. A hash is not the text, but the text of a short or guessable document can be
    /// found by hashing candidates; set false where that matters (with <c>StoreText = false</c>).
    /// </summary>
    public bool StoreContentHash { get; init; } = true;

    /// <summary>Images per image-embedder call of <c>AddImages</c> (default 16). Not recorded.</summary>
    public int ImageBatchSize { get; init; } = LodeDatabase.DefaultImageBatchSize;

    /// <summary>
    /// Decoded RGBA bytes (width x height x 4, from each header) per image-embedder call of
    /// <c>AddImages</c> (default 256 MiB), bounding the pixels a batch decodes at once; an image
    /// larger on its own goes in a batch by itself. Not recorded.
    /// </summary>
    public long ImageBatchMaxDecodedBytes { get; init; } = LodeDatabase.DefaultImageBatchMaxDecodedBytes;

    /// <summary>Bits per coordinate: 2 or 4. Default 4.</summary>
    public int? BitWidth { get; init; }

    /// <summary>Seed of the rotation. Default <see cref="LodeDatabase.DefaultSeed"/>.</summary>
    public ulong? Seed { get; init; }

    /// <summary>
    /// Keep each row's original vector in a memory-mapped sidecar (<c>index.g{B}.rescore</c>) and
    /// re-rank the best <see cref="RescoreCandidates"/> candidates of the code scan by their exact
    /// cosine from it (scores then come from the sidecar). Default <see cref="RescoreStorage.None"/>.
    /// Recorded on create (in the storage profile); a conflicting value on reopen is rejected,
    /// unset on reopen uses the recorded one.
    /// </summary>
    public RescoreStorage? Rescore { get; init; }

    /// <summary>
    /// With a sidecar: candidates the code scan returns for exact re-ranking (default 100,
    /// 1..100,000; at least k are always used). Per handle, not recorded.
    /// </summary>
    public int RescoreCandidates { get; init; } = LodeDatabase.DefaultRescoreCandidates;

    /// <summary>
    /// With a sidecar: what the scan for those candidates reads, the codes (default) or their
    /// one-bit sign sketch (<see cref="LodeDb.RescoreFirstPass.SignSketch"/>: faster on large
    /// indexes, needs more candidates). Without a sidecar <see cref="LodeDb.RescoreFirstPass.SignSketch"/>
    /// is refused. Per handle, not recorded.
    /// </summary>
    public RescoreFirstPass RescoreFirstPass { get; init; } = RescoreFirstPass.Codes;

    /// <summary>
    /// Threads one search may use (1..64). Default (null): 1 below 65,536 slots, where a split
    /// does not pay for itself, else min(cores, 8). Set 1 to keep every search on the calling
    /// thread (e.g. a server that runs many searches at once). Per handle, not recorded.
    /// </summary>
    public int? SearchThreads { get; init; }

    /// <summary>Open without the writer lock; every mutating call throws <see cref="ReadOnlyException"/>.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// With <see cref="ReadOnly"/>: open without any embedder, neither a preset's model nor a
    /// custom one (a custom-embedder index opens without its Embedder). Counters, Get, List and
    /// vector search work; text search and image search throw. For tools that must not load a
    /// model (<c>lodedb stats</c>).
    /// </summary>
    public bool WithoutEmbedder { get; init; }

    /// <summary>Default: the <c>LODEDB_COMMIT_MODE</c> environment variable (wal|generation), else <see cref="LodeDb.CommitMode.Wal"/>.</summary>
    public CommitMode? CommitMode { get; init; }

    /// <summary>Default: the <c>LODEDB_DURABILITY</c> environment variable (fast|fsync), else <see cref="LodeDb.Durability.Fast"/>.</summary>
    public Durability? Durability { get; init; }

    /// <summary>
    /// How long to wait for another process's writer lock. Default: the
    /// <c>LODEDB_PERSIST_LOCK_TIMEOUT</c> environment variable (seconds), else 30 s.
    /// </summary>
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>WAL mode: checkpoint after this many records (default 10,000).</summary>
    public int CheckpointEveryRecords { get; init; } = 10_000;

    /// <summary>WAL mode: checkpoint once the log holds this many bytes (default 64 MiB).</summary>
    public long CheckpointEveryBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Where the handle logs (category <c>LodeDb</c>): opens, checkpoints, writer-lock waits, slow
    /// operations, model loads. Paths, counts and times only, never texts, vectors or metadata.
    /// Default: no logging. A collection's <see cref="LodeCollectionOptions.LoggerFactory"/> is the default of its spaces.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>A search, add or checkpoint that takes longer is logged as a warning (default 1 s). Per handle, not recorded.</summary>
    public TimeSpan? SlowOperationThreshold { get; init; }
}
