namespace LodeDb;

/// <summary>
/// What a database folder was created for. Written into the root pointer on create and compared
/// with the options on every open, so nothing is ever scored against a different model.
/// </summary>
internal sealed class StoreIdentity
{
    public const int CurrentFormatVersion = 1;
    public const string VectorKind = "vector";
    public const string VectorTask = "vector";
    public const string VectorModel = "none";

    public string Model { get; set; } = VectorModel;

    public string Kind { get; set; } = VectorKind;

    public string Task { get; set; } = VectorTask;

    public int Dim { get; set; }

    /// <summary>How vectors are stored: "turboquant-b{bits}" (codes + one length scale per row).</summary>
    public string StorageProfile { get; set; } = "";

    public int BitWidth { get; set; }

    public ulong Seed { get; set; }

    public int FormatVersion { get; set; } = CurrentFormatVersion;

    public static string ProfileFor(int bits) => $"turboquant-b{bits}";
}
