using System.Globalization;
using System.Runtime.InteropServices;
using LodeDb.Diagnostics;
using LodeDb.Embeddings.Onnx;
using LodeDb.Native;
using LodeDb.Native.Interop;
using Microsoft.ML.OnnxRuntime;

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
    /// version, ABI version, the SIMD level picked and the levels supported), ONNX Runtime
    /// (version, execution providers), which preset models are present under the models root and
    /// which files each lacks, image decoding (SkiaSharp decodes an embedded PNG), and the
    /// defaults the environment sets (<c>LODEDB_DURABILITY</c>, <c>LODEDB_COMMIT_MODE</c>,
    /// <c>LODEDB_PERSIST_LOCK_TIMEOUT</c>, <c>LODEDB_MAX_IMAGE_PIXELS</c>, <c>LODEDB_MODEL_DIR</c>,
    /// <c>LODEDB_HF_ENDPOINT</c>; an unparsable value fails its check, as it would fail an open).
    /// A <c>LODEDB_SIMD</c> that names no level, or one this machine lacks, makes the simd check
    /// a warning: the native library ignores it silently.
    /// A missing preset model is a warning, or a failure when it is in
    /// <see cref="DoctorOptions.RequiredPresets"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A required preset is not a known preset name.</exception>
    public static DoctorReport Doctor(DoctorOptions? options = null)
    {
        options ??= new DoctorOptions();
        var required = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in options.RequiredPresets ?? [])
        {
            if (string.IsNullOrWhiteSpace(name) || KnownModelPresets.Find(name) is null)
            {
                throw new ArgumentException(
                    $"'{name}' is not a preset; use one of: {string.Join(", ", KnownModelPresets.All.Select(p => p.Name))}.", nameof(options));
            }

            required.Add(name.Trim());
        }

        var checks = new List<DoctorCheck>();
        string? simd = CheckNative(checks);
        checks.Add(CheckOnnxRuntime());

        string modelRoot;
        var models = new List<PresetModelStatus>();
        try
        {
            modelRoot = ModelFolderResolver.ResolveRoot(options.ModelDirectory);
            checks.Add(new DoctorCheck("model-directory", DoctorStatus.Ok, DescribeModelRoot(modelRoot, options.ModelDirectory)));
            foreach (KnownModelPreset preset in KnownModelPresets.All)
            {
                PresetModelStatus status = ModelStatus(preset, options.ModelDirectory);
                models.Add(status);
                checks.Add(ModelCheck(status, required.Contains(preset.Name), preset.Preset));
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or IOException or UnauthorizedAccessException)
        {
            modelRoot = options.ModelDirectory ?? Environment.GetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable) ?? "";
            checks.Add(new DoctorCheck("model-directory", DoctorStatus.Failed, $"The models root '{modelRoot}' is not a usable path: {e.Message}"));
        }

        checks.Add(ImageDecodingProbe.Run());
        checks.Add(Setting("durability", EnvironmentDefaults.DurabilityVariable, () => EnvironmentDefaults.Durability().ToString().ToLowerInvariant()));
        checks.Add(Setting("commit-mode", EnvironmentDefaults.CommitModeVariable, () => EnvironmentDefaults.CommitMode().ToString().ToLowerInvariant()));
        checks.Add(Setting("lock-timeout", EnvironmentDefaults.LockTimeoutVariable,
            () => EnvironmentDefaults.LockTimeout().TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"));
        checks.Add(Setting("max-image-pixels", LodeDb.Embeddings.Onnx.Images.ImageLimits.MaxPixelsVariable,
            () => LodeDb.Embeddings.Onnx.Images.ImageLimits.MaxPixels.ToString("N0", CultureInfo.InvariantCulture) + " pixels"));
        checks.Add(Setting("hf-endpoint", ModelDownloader.EndpointVariable, () => ModelDownloader.ResolveEndpoint().ToString().TrimEnd('/')));
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

    private static DoctorCheck CheckOnnxRuntime()
    {
        try
        {
            OrtEnv environment = OrtEnv.Instance();
            string version = environment.GetVersionString();
            string[] providers = environment.GetAvailableProviders();
            return new DoctorCheck("onnx-runtime", DoctorStatus.Ok, $"{version} (execution providers: {string.Join(", ", providers)})");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or OnnxRuntimeException)
        {
            return new DoctorCheck("onnx-runtime", DoctorStatus.Failed,
                $"ONNX Runtime did not load ({e.Message}); text models cannot run. Install the Microsoft.ML.OnnxRuntime package's native library for this platform.");
        }
    }

    private static PresetModelStatus ModelStatus(KnownModelPreset preset, string? explicitRoot)
    {
        string folder = ModelFolderResolver.ResolvePresetFolder(preset.Name, explicitRoot);
        string[] missing = [.. preset.Files.Where(f => !File.Exists(System.IO.Path.Combine(folder, f.Replace('/', System.IO.Path.DirectorySeparatorChar))))];
        return new PresetModelStatus(preset.Name, preset.Repository, folder, preset.Files, missing);
    }

    private static DoctorCheck ModelCheck(PresetModelStatus status, bool required, ModelPreset preset)
    {
        string name = "model:" + status.Name;
        if (status.IsPresent)
        {
            // Files against the folder's manifest (SHA-256), and the tokenizer settings in use.
            ModelFolderHealth health = ModelFolderHealth.Inspect(preset, status.Folder);
            return new DoctorCheck(name, health.Damaged ? DoctorStatus.Failed : DoctorStatus.Ok, $"{status.Repository} in {status.Folder}: {health.Detail}");
        }

        string what = status.MissingFiles.Count == status.Files.Count
            ? $"not downloaded ({status.Folder} lacks all {status.Files.Count} files)"
            : $"incomplete: {status.Folder} lacks {string.Join(", ", status.MissingFiles)}";
        return new DoctorCheck(name, required ? DoctorStatus.Failed : DoctorStatus.Warning,
            $"{status.Repository} {what}; run `{ModelPresets.PullCommand(status.Name)}`"
            + (required ? "" : " to use this preset"));
    }

    private static string DescribeModelRoot(string root, string? explicitRoot)
    {
        string source = !string.IsNullOrWhiteSpace(explicitRoot)
            ? "given explicitly"
            : !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable))
                ? $"from {ModelFolderResolver.ModelDirectoryVariable}"
                : $"per-user default; {ModelFolderResolver.ModelDirectoryVariable} not set";
        return $"{root} ({source}{(Directory.Exists(root) ? "" : "; does not exist yet")})";
    }

    /// <summary>A setting read from the environment: its effective value and where it came from; an invalid value fails.</summary>
    private static DoctorCheck Setting(string name, string variable, Func<string> effective)
    {
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
