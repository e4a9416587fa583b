using System.Globalization;
using System.Runtime.InteropServices;
using LodeDb.Diagnostics;
using LodeDb.Images;
using LodeDb.Native;
using LodeDb.Native.Interop;
using LodeDb.Presets;

namespace LodeDb;

/// <summary>
/// The doctor: <see cref="Doctor(DoctorOptions?)"/> checks that this installation can run LodeDb
/// (what <c>lodedb doctor</c> prints). It lives on <see cref="LodeDatabase"/> (a static member of
/// a partial class) so it is found next to <see cref="Open"/>; its types are in
/// <see cref="LodeDb.Diagnostics"/>.
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Checks the installation, never throwing for what it finds: the native library (path,
    /// version, ABI version, the SIMD level picked and the levels supported), the defaults the
    /// environment sets (<c>LODEDB_DURABILITY</c>, <c>LODEDB_COMMIT_MODE</c>,
    /// <c>LODEDB_PERSIST_LOCK_TIMEOUT</c>, <c>LODEDB_MAX_IMAGE_PIXELS</c>; an unparsable value
    /// fails its check, as it would fail an open), and then each registered preset provider's
    /// part (<see cref="IModelPresetProvider.Diagnose"/>: for LodeDb.Embeddings.Onnx, ONNX
    /// Runtime, image decoding, the models root and which preset models are present). Without a
    /// provider the <c>presets</c> check says which package adds them (vector-only and custom
    /// embedders need none). A <c>LODEDB_SIMD</c> that names no level, or one this machine lacks,
    /// makes the simd check a warning: the native library ignores it silently.
    /// </summary>
    /// <exception cref="ArgumentException">A required preset is not a known preset name.</exception>
    public static DoctorReport Doctor(DoctorOptions? options = null)
    {
        options ??= new DoctorOptions();
        var required = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in options.RequiredPresets ?? [])
        {
            if (string.IsNullOrWhiteSpace(name) || !ModelPresetRegistry.TryGet(name, out _, out _))
            {
                throw new ArgumentException(
                    $"'{name}' is not a preset; use one of: {string.Join(", ", ModelPresetRegistry.Names)}"
                    + (ModelPresetRegistry.Providers.Count == 0 ? $" (presets come from the {ModelPresetRegistry.DefaultProviderPackage} package, which this app does not reference)." : "."),
                    nameof(options));
            }

            required.Add(name.Trim());
        }

        var checks = new List<DoctorCheck>();
        string? simd = CheckNative(checks);
        checks.Add(DoctorCheck.Setting("durability", EnvironmentDefaults.DurabilityVariable, () => EnvironmentDefaults.Durability().ToString().ToLowerInvariant()));
        checks.Add(DoctorCheck.Setting("commit-mode", EnvironmentDefaults.CommitModeVariable, () => EnvironmentDefaults.CommitMode().ToString().ToLowerInvariant()));
        checks.Add(DoctorCheck.Setting("lock-timeout", EnvironmentDefaults.LockTimeoutVariable,
            () => EnvironmentDefaults.LockTimeout().TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"));
        checks.Add(DoctorCheck.Setting("max-image-pixels", ImageLimits.MaxPixelsVariable,
            () => ImageLimits.MaxPixels.ToString("N0", CultureInfo.InvariantCulture) + " pixels"));

        var models = new List<PresetModelStatus>();
        string modelRoot = "";
        IReadOnlyList<IModelPresetProvider> providers = ModelPresetRegistry.Providers;
        if (providers.Count == 0)
        {
            checks.Add(new DoctorCheck("presets", DoctorStatus.Ok,
                $"none installed: vectors and custom embedders work; add the {ModelPresetRegistry.DefaultProviderPackage} package for the "
                + $"{string.Join("/", ModelPresetRegistry.BuiltInNames)} presets and image decoding."));
        }

        foreach (IModelPresetProvider provider in providers)
        {
            DoctorSection section = provider.Diagnose(options, required);
            checks.AddRange(section.Checks);
            models.AddRange(section.Models);
            modelRoot = modelRoot.Length == 0 ? section.ModelRoot : modelRoot;
        }

        return new DoctorReport(checks, models, modelRoot, simd);
    }

    /// <summary>Adds the native-library and simd checks; returns the SIMD level's name, or null when the library did not load.</summary>
    private static string? CheckNative(List<DoctorCheck> checks)
    {
        try
        {
            uint abi = NativeLibraryInfo.AbiVersion;
            uint bindingAbi = NativeLibraryInfo.BindingAbiVersion;
            string path = NativeLibraryInfo.LibraryPath ?? NativeLibraryResolver.FileName;
            if (abi != bindingAbi)
            {
                checks.Add(new DoctorCheck("native-library", DoctorStatus.Failed,
                    $"{path} has ABI version {abi} but this binding needs {bindingAbi}; install matching LodeDb and LodeDb.Native.runtime packages."));
                checks.Add(new DoctorCheck("simd", DoctorStatus.Failed, "not checked: the native library does not match."));
                return null;
            }

            checks.Add(new DoctorCheck("native-library", DoctorStatus.Ok,
                $"{path} (version {NativeLibraryInfo.Version}, ABI {abi}, found by {NativeLibraryResolver.LoadedBy ?? "default probing"})"));

            LodeDbSimd picked = NativeLibraryInfo.SimdLevel;
            string pickedName = NativeLibraryInfo.SimdName(picked);
            string[] supported = [.. Enum.GetValues<LodeDbSimd>().Where(NativeLibraryInfo.SimdSupported).Select(NativeLibraryInfo.SimdName)];
            bool scalarOnly = picked == LodeDbSimd.Scalar && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;
            string? setting = SimdSettingProblem(pickedName, supported);
            bool forcedScalar = scalarOnly && string.Equals(Environment.GetEnvironmentVariable(EnvironmentDefaults.SimdVariable), "scalar", StringComparison.OrdinalIgnoreCase);
            checks.Add(new DoctorCheck("simd", (scalarOnly && !forcedScalar) || setting is not null ? DoctorStatus.Warning : DoctorStatus.Ok,
                $"{pickedName} (supported here: {string.Join(", ", supported)})"
                + (scalarOnly && !forcedScalar ? "; no SIMD kernel matched this CPU, so scans run the slower scalar code." : "")
                + (setting ?? "")));
            return pickedName;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or LodeDbException)
        {
            string probed = string.Join(", ", NativeLibraryResolver.CandidatePaths().Select(c => c.Path));
            checks.Add(new DoctorCheck("native-library", DoctorStatus.Failed,
                $"{NativeLibraryResolver.FileName} did not load ({e.Message}). Probed: {probed}, then the system paths. "
                + $"Add the LodeDb.Native.runtime.{NativeLibraryResolver.RuntimeIdentifier} package, or set {NativeLibraryResolver.EnvironmentVariable} to the library file."));
            checks.Add(new DoctorCheck("simd", DoctorStatus.Failed, "not checked: the native library did not load."));
            return null;
        }
    }

    /// <summary>
    /// What is wrong with <c>LODEDB_SIMD</c>, or null: the native library silently runs the best
    /// level when it names no level or one this machine lacks, so the doctor says so.
    /// </summary>
    private static string? SimdSettingProblem(string pickedName, string[] supported)
    {
        (string? value, bool known) = EnvironmentDefaults.Simd();
        if (value is null || value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!known)
        {
            return $"; {EnvironmentDefaults.SimdVariable}='{value}' is not a level ({string.Join(", ", EnvironmentDefaults.SimdLevels)}), so it is ignored and {pickedName} runs. Fix or unset it.";
        }

        return supported.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? null
            : $"; {EnvironmentDefaults.SimdVariable}='{value}' names a level this machine or build lacks, so {pickedName} runs instead.";
    }
}
