using System.Text.Json.Serialization;

namespace LodeDb;

/// <summary>
/// What a database folder was created for. Written into the root pointer on create and compared
/// with the options on every open, so nothing is ever scored against a different model.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class StoreIdentity
{
    public const int CurrentFormatVersion = 1;

    /// <summary>
    /// The identity format of a knowledge graph store (<see cref="Graph.LodeGraph"/>): a release
    /// without graphs refuses it ("upgrade") instead of opening it as an index and dropping the
    /// graph at its next checkpoint.
    /// </summary>
    public const int GraphFormatVersion = 2;
    public const string VectorKind = "vector";
    public const string VectorTask = "vector";
    public const string VectorModel = "none";
    public const string CustomKind = "custom";
    public const string TextTask = "text";
    public const string ImageTextTask = "image+text";
    public const string PresetKind = "preset";

    public string Model { get; set; } = VectorModel;

    public string Kind { get; set; } = VectorKind;

    /// <summary>Preset name (minilm, bge) of a preset index; <see cref="Model"/> holds its repository id. Absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Preset { get; set; }

    public string Task { get; set; } = VectorTask;

    public int Dim { get; set; }

    /// <summary>
    /// How vectors are stored: "turboquant-b{bits}" (codes + one length scale per row), with
    /// "+int8" or "+f16" when a re-score sidecar keeps the original vectors.
    /// </summary>
    public string StorageProfile { get; set; } = "";

    public int BitWidth { get; set; }

    public ulong Seed { get; set; }

    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Whether raw chunk text is kept (rows file, WAL, journal). Absent in older roots: true.</summary>
    public bool StoreText { get; set; } = true;

    /// <summary>Whether per-chunk lexical terms are kept when text is not. Absent in older roots: true.</summary>
    public bool IndexText { get; set; } = true;

    /// <summary>Lexical and hybrid search have a source: stored text or indexed terms.</summary>
    public bool HasLexical => StoreText || IndexText;

    /// <summary>Terms are persisted per chunk (there is no stored text to tokenize again).</summary>
    public bool PersistsTerms => IndexText && !StoreText;

    public static string ProfileFor(int bits, RescoreStorage rescore = RescoreStorage.None) => rescore switch
    {
        RescoreStorage.Int8 => $"turboquant-b{bits}{Int8Suffix}",
        RescoreStorage.Float16 => $"turboquant-b{bits}{Float16Suffix}",
        _ => $"turboquant-b{bits}",
    };

    private const string Int8Suffix = "+int8";
    private const string Float16Suffix = "+f16";

    /// <summary>The re-score sidecar the storage profile records; null for a profile this build does not know.</summary>
    public RescoreStorage? RescoreOrNull()
    {
        string plain = $"turboquant-b{BitWidth}";
        // Roots written before profiles were checked may hold an empty profile: no sidecar.
        if (StorageProfile.Length == 0 || StorageProfile == plain)
        {
            return RescoreStorage.None;
        }

        return StorageProfile == plain + Int8Suffix ? RescoreStorage.Int8
            : StorageProfile == plain + Float16Suffix ? RescoreStorage.Float16
            : null;
    }

    /// <summary>The recorded re-score sidecar (<see cref="RescoreOrNull"/> checked on load).</summary>
    [JsonIgnore]
    public RescoreStorage Rescore => RescoreOrNull() ?? RescoreStorage.None;
}
