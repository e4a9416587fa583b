namespace LodeDb;

/// <summary>
/// What a search with a re-score sidecar scans for its candidates (<see cref="LodeDbOptions.RescoreFirstPass"/>);
/// the sidecar then re-ranks them by the exact cosine either way.
/// </summary>
public enum RescoreFirstPass
{
    /// <summary>The quantized codes (2 or 4 bits per coordinate): the best candidates a scan can give.</summary>
    Codes = 0,

    /// <summary>
    /// A one-bit sketch of the codes (the sign of each rotated coordinate), kept in memory only
    /// (dimension / 8 bytes per row, built when the database opens): the scan reads a quarter
    /// (4-bit) or half (2-bit) of the code bytes, so a search is faster on large indexes, but
    /// its candidates are rougher: ask for two to three times the <see cref="LodeDbOptions.RescoreCandidates"/>
    /// the codes need for the same recall (measured in docs/benchmarks/storage.md).
    /// </summary>
    SignSketch = 1,
}
