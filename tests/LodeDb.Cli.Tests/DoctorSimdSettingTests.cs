using System.Text.RegularExpressions;
using LodeDb.Diagnostics;
using LodeDb.Native;

namespace LodeDb.Cli.Tests;

/// <summary>
/// <c>LODEDB_SIMD</c> is read by the native library, which silently runs the best level for a
/// value it does not know: the doctor is where a typo shows.
/// </summary>
[NonParallelizable] // sets process environment variables
public sealed class DoctorSimdSettingTests
{
    [TestCase("bogus")]
    [TestCase("avx-512")]
    public void An_unknown_level_is_a_simd_warning_naming_the_value(string value)
    {
        using var models = new TempFolder();
        // The native library reads LODEDB_SIMD once, at its first scan: pick the level before setting it.
        _ = NativeLibraryInfo.SimdLevel;
        using var simd = new EnvironmentVariableScope("LODEDB_SIMD", value);

        DoctorCheck check = LodeDatabase.Doctor(new DoctorOptions { ModelDirectory = models.Path }).Find("simd")!;
        CliRun run = CliRun.Of("doctor", "--models-dir", models.Path);

        Assert.That(check.Status, Is.EqualTo(DoctorStatus.Warning));
        Assert.That(check.Detail, Does.Contain($"LODEDB_SIMD='{value}' is not a level (scalar, avx2, avx512, neon, auto)"));
        Assert.That(check.Detail, Does.Contain($"{NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel)} runs"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), "a warning, not a failure: databases still open and search");
        Assert.That(run.OutLines, Has.Some.Match($@"^warning\s+simd\s+.*LODEDB_SIMD='{Regex.Escape(value)}' is not a level"));
    }

    [TestCase("auto")]
    [TestCase("picked")]
    public void A_known_supported_level_is_ok(string value)
    {
        using var models = new TempFolder();
        // The level this process runs, in upper case (any case is accepted); picked before the variable is set.
        string picked = NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel).ToUpperInvariant();
        using var simd = new EnvironmentVariableScope("LODEDB_SIMD", value == "picked" ? picked : value);

        DoctorCheck check = LodeDatabase.Doctor(new DoctorOptions { ModelDirectory = models.Path }).Find("simd")!;

        Assert.That(check.Status, Is.EqualTo(DoctorStatus.Ok), check.Detail);
        Assert.That(check.Detail, Does.Not.Contain("LODEDB_SIMD"));
    }
}
