using System.CommandLine;
using LodeDb.Cli.Output;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb models import &lt;preset&gt; &lt;folder&gt; [--models-dir D] [--force]</c>: registers model
/// files the user already has as a preset's model (<see cref="ModelImporter"/>): checks their
/// shape against the preset, copies them into the models root and writes the manifest with
/// SHA-256s, so the preset works offline.
/// </summary>
internal static class ModelsImportCommand
{
    public static Command Create(CliContext context, Func<Option<string>> modelsDirOption)
    {
        var preset = new Argument<string>("preset") { Description = $"The preset the files are: {string.Join(", ", ModelPresets.Names)}." };
        var folder = new Argument<string>("folder")
        {
            Description = "Folder holding the model: model.onnx (or onnx/model.onnx) and vocab.txt, optionally tokenizer_config.json and tokenizer.json (text presets); the preset's files (clip).",
        };
        Option<string> modelsDir = modelsDirOption();
        var force = new Option<bool>("--force") { Description = "Replace the files already in the preset's folder." };
        var command = new Command("import", "Check a local model folder against a preset and register it as that preset's model (copied, with SHA-256s recorded).")
        {
            preset,
            folder,
            modelsDir,
            force,
        };
        command.SetAction(parsed =>
        {
            string name = parsed.GetValue(preset)!;
            if (!ModelPresets.TryGet(name, out ModelPreset? modelPreset))
            {
                throw new CliUsageException($"'{name}' is not a preset; use one of: {string.Join(", ", ModelPresets.Names)}.");
            }

            string source = parsed.GetValue(folder)!;
            if (!Directory.Exists(source))
            {
                throw new CliNotFoundException($"the model folder '{Path.GetFullPath(source)}' does not exist.");
            }

            string? root = parsed.GetValue(modelsDir);
            context.Error.WriteLine($"Checking {Path.GetFullPath(source)} against the {modelPreset.Name} preset ({modelPreset.Repository}, {modelPreset.Dimension}-d)...");
            ModelImportResult result = ModelImporter.Import(modelPreset, source, root, parsed.GetValue(force));

            long bytes = result.Files.Sum(f => f.Size);
            string vocabulary = result.VocabularySize is int size ? $", vocabulary {size:N0} tokens" : "";
            context.Out.WriteLine(result.InPlace
                ? $"Registered {result.ModelDirectory} in place as {result.Preset}: {result.Files.Count} files, {Units.Bytes(bytes)}, {result.Dimension}-d{vocabulary}."
                : $"Imported {result.Preset} from {result.SourceFolder} into {result.ModelDirectory}: {result.Files.Count} files, {Units.Bytes(bytes)}, {result.Dimension}-d{vocabulary}.");
            if (result.TokenizerSettings is not null)
            {
                context.Out.WriteLine($"Tokenizer: {result.TokenizerSettings}.");
            }

            context.Out.WriteLine($"Manifest: {result.ManifestPath} (SHA-256 of every file, checked when the model loads).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
