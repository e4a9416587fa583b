namespace LodeDb.Diagnostics;

/// <summary>
/// What <see cref="LodeDatabase.Doctor(DoctorOptions?)"/> found: every check in a stable order,
/// plus the facts behind them for programs that want more than text.
/// </summary>
public sealed class DoctorReport
{
    internal DoctorReport(IReadOnlyList<DoctorCheck> checks, IReadOnlyList<PresetModelStatus> models, string modelRoot, string? simdLevel)
    {
        Checks = checks;
        Models = models;
        ModelRoot = modelRoot;
        SimdLevel = simdLevel;
    }

    /// <summary>The checks, in the order they ran.</summary>
    public IReadOnlyList<DoctorCheck> Checks { get; }

    /// <summary>Each known preset and whether its files are present locally.</summary>
    public IReadOnlyList<PresetModelStatus> Models { get; }

    /// <summary>The models root that was searched.</summary>
    public string ModelRoot { get; }

    /// <summary>The scan kernel family the native library picked (<c>avx2</c>, <c>avx512</c>, <c>neon</c>, <c>scalar</c>), or null when the library did not load.</summary>
    public string? SimdLevel { get; }

    /// <summary>True when no check failed (warnings allowed).</summary>
    public bool IsHealthy => Checks.All(c => c.Status != DoctorStatus.Failed);

    /// <summary>The check called <paramref name="name"/>, or null.</summary>
    public DoctorCheck? Find(string name) => Checks.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}
