namespace LodeDb.Diagnostics;

/// <summary>What <see cref="LodeDatabase.Doctor(DoctorOptions?)"/> checks.</summary>
public sealed class DoctorOptions
{
    /// <summary>
    /// Models root to look for preset models in (as <see cref="LodeDbOptions.ModelDirectory"/>).
    /// Null: <c>LODEDB_MODEL_DIR</c>, else the per-user cache.
    /// </summary>
    public string? ModelDirectory { get; init; }

    /// <summary>
    /// Presets whose models must be present: a missing one is a failed check instead of a warning.
    /// Names as in <see cref="LodeDbOptions.Model"/> (case-insensitive).
    /// </summary>
    public IReadOnlyList<string> RequiredPresets { get; init; } = [];
}
