namespace LodeDb.Diagnostics;

/// <summary>Outcome of one <see cref="DoctorCheck"/>.</summary>
public enum DoctorStatus
{
    /// <summary>Works as expected.</summary>
    Ok,

    /// <summary>Works, or is optional, but worth knowing (e.g. a preset model not downloaded yet).</summary>
    Warning,

    /// <summary>Broken or missing where it is needed; the report is not healthy.</summary>
    Failed,
}
