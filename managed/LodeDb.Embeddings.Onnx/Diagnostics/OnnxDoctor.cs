using LodeDb.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace LodeDb.Embeddings.Onnx.Diagnostics;

/// <summary>
/// This package's part of <c>LodeDatabase.Doctor</c>: ONNX Runtime loads (version, execution
/// providers), SkiaSharp decodes a PNG, the models root, each preset's files (checked against the
/// folder's manifest when present) and the download endpoint setting. A missing preset model is a
/// warning, or a failure when it is required.
/// </summary>
internal static class OnnxDoctor
{
    public static DoctorSection Run(DoctorOptions options, IReadOnlySet<string> requiredPresets)
    {
        var checks = new List<DoctorCheck> { CheckOnnxRuntime() };
        string modelRoot;
        var models = new List<PresetModelStatus>();
        try
        {
            modelRoot = ModelFolderResolver.ResolveRoot(options.ModelDirectory);
            checks.Add(new DoctorCheck("model-directory", DoctorStatus.Ok, DescribeModelRoot(modelRoot, options.ModelDirectory)));
            foreach (ModelPreset preset in ModelPresets.All)
            {
                PresetModelStatus status = ModelStatus(preset, options.ModelDirectory);
                models.Add(status);
                checks.Add(ModelCheck(status, requiredPresets.Contains(preset.Name), preset));
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or IOException or UnauthorizedAccessException)
        {
            modelRoot = options.ModelDirectory ?? Environment.GetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable) ?? "";
            checks.Add(new DoctorCheck("model-directory", DoctorStatus.Failed, $"The models root '{modelRoot}' is not a usable path: {e.Message}"));
        }

        checks.Add(ImageDecodingProbe.Run());
        checks.Add(DoctorCheck.Setting("hf-endpoint", ModelDownloader.EndpointVariable, () => ModelDownloader.ResolveEndpoint().ToString().TrimEnd('/')));
        return new DoctorSection(checks, modelRoot, models);
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

    private static PresetModelStatus ModelStatus(ModelPreset preset, string? explicitRoot)
    {
        string folder = ModelFolderResolver.ResolvePresetFolder(preset.Name, explicitRoot);
        IReadOnlyList<string> files = preset.RequiredFiles;
        string[] missing = [.. files.Where(f => !File.Exists(Path.Combine(folder, f.Replace('/', Path.DirectorySeparatorChar))))];
        return new PresetModelStatus(preset.Name, preset.Repository, folder, files, missing);
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
}
