namespace LodeDb.Diagnostics;

/// <summary>One finding of <see cref="LodeDatabase.Doctor(DoctorOptions?)"/>.</summary>
/// <param name="Name">Stable name of the check (e.g. <c>native-library</c>, <c>simd</c>, <c>model:minilm</c>).</param>
/// <param name="Status">Whether it passed.</param>
/// <param name="Detail">What was found, and for a warning or failure what to do about it.</param>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail)
{
    /// <summary>
    /// A setting read from the environment variable <paramref name="variable"/>: Ok with its
    /// effective value and where it came from, or Failed when <paramref name="effective"/> throws
    /// (an invalid value fails the same way an open would).
    /// </summary>
    public static DoctorCheck Setting(string name, string variable, Func<string> effective)
    {
        ArgumentNullException.ThrowIfNull(effective);
        string? raw = Environment.GetEnvironmentVariable(variable)?.Trim();
        try
        {
            string value = effective();
            return new DoctorCheck(name, DoctorStatus.Ok,
                string.IsNullOrEmpty(raw) ? $"{value} (default; {variable} not set)" : $"{value} (from {variable})");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new DoctorCheck(name, DoctorStatus.Failed, $"{e.Message} Unset {variable} or fix it: opening a database would fail the same way.");
        }
    }
}
