using System.Text.Json.Serialization;

namespace LodeDb;

/// <summary>
/// The root pointer <c>index.commit.json</c>: the only file that is replaced in place (by atomic
/// rename). It names the files of the current generation; everything else in the folder is
/// either named by it or garbage from an interrupted commit. A member name this build does not
/// know is damage (a flipped letter in "walFile" must not silently drop the log), not a default.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class CommitRoot
{
    public int FormatVersion { get; set; } = StoreIdentity.CurrentFormatVersion;

    public long Generation { get; set; }

    public StoreIdentity Identity { get; set; } = new();

    /// <summary>
    /// The generation whose snapshot and rows files this one starts from: equal to
    /// <see cref="Generation"/> after a checkpoint, older when Generation-mode commits have
    /// appended to the base's journal since.
    /// </summary>
    public long BaseGeneration { get; set; }

    /// <summary>Native index snapshot of the base generation (lodedb_index_save).</summary>
    public string CodesFile { get; set; } = "";

    /// <summary>Ids, metadata and slot map of the base generation (see RowsFile).</summary>
    public string RowsFile { get; set; } = "";

    /// <summary>Re-score sidecar of the base generation (<c>index.g{B}.rescore</c>); "" when the index keeps none.</summary>
    public string RescoreFile { get; set; } = "";

    /// <summary>Graph structure of the base generation (<c>index.g{B}.graph</c>) of a graph store; "" in every other folder.</summary>
    public string GraphFile { get; set; } = "";

    /// <summary>
    /// Generation mode: the base's delta journal (<c>index.g{base}.journal</c>, WAL framing and
    /// records); "" when none. Only its first <see cref="JournalLength"/> bytes are committed.
    /// </summary>
    public string JournalFile { get; set; } = "";

    /// <summary>Committed bytes of <see cref="JournalFile"/>; bytes beyond are an interrupted commit.</summary>
    public long JournalLength { get; set; }

    /// <summary>The write-ahead log whose records apply on top of this generation.</summary>
    public string WalFile { get; set; } = "";

    public long LiveCount { get; set; }

    public long SlotCount { get; set; }

    public DateTimeOffset CommittedAt { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CommitRoot))]
internal sealed partial class CommitRootJsonContext : JsonSerializerContext;
