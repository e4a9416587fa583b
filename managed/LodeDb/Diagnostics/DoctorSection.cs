namespace LodeDb.Diagnostics;

/// <summary>What a preset provider adds to a doctor report: its checks, the models root it uses and each preset's files.</summary>
/// <param name="Checks">The provider's checks, in the order to print them.</param>
/// <param name="ModelRoot">The models root the provider reads (empty when it has none).</param>
/// <param name="Models">Each preset's model folder and missing files.</param>
public sealed record DoctorSection(IReadOnlyList<DoctorCheck> Checks, string ModelRoot, IReadOnlyList<PresetModelStatus> Models);
