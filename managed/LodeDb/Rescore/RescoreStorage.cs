namespace LodeDb;

/// <summary>
/// How an index keeps the original vectors for exact re-scoring (<see cref="LodeDbOptions.Rescore"/>).
/// With a sidecar, a search scans the quantized codes for <see cref="LodeDbOptions.RescoreCandidates"/>
/// candidates and re-ranks them by the exact cosine computed from the sidecar, which is
/// memory-mapped: only the codes need to stay in RAM.
/// </summary>
public enum RescoreStorage
{
    /// <summary>No sidecar: scores come from the quantized codes.</summary>
    None = 0,

    /// <summary>One float scale (max |x| / 127) and one signed byte per coordinate: d + 4 bytes per row.</summary>
    Int8 = 1,

    /// <summary>One IEEE half-precision float per coordinate: 2 d bytes per row.</summary>
    Float16 = 2,
}
