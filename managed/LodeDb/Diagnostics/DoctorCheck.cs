namespace LodeDb.Diagnostics;

/// <summary>One finding of <see cref="LodeDatabase.Doctor(DoctorOptions?)"/>.</summary>
/// <param name="Name">Stable name of the check (e.g. <c>native-library</c>, <c>simd</c>, <c>model:minilm</c>).</param>
/// <param name="Status">Whether it passed.</param>
/// <param name="Detail">What was found, and for a warning or failure what to do about it.</param>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail);
