using System.CommandLine;
using LodeDb.Cli.Output;
using LodeDb.Diagnostics;
using LodeDb.Embeddings.Onnx;
using Spectre.Console;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb models list [--models-dir D]</c>,
/// <c>lodedb models pull &lt;preset&gt; [--models-dir D] [--endpoint URL]</c> and
/// <c>lodedb models import &lt;preset&gt; &lt;folder&gt; [--models-dir D] [--force]</c> (<see cref="ModelsImportCommand"/>).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var models = new Command("models", "List the preset models present locally, download one, or import one from a local folder.");
        models.Subcommands.Add(CreateList(context));
        models.Subcommands.Add(CreatePull(context));
        models.Subcommands.Add(ModelsImportCommand.Create(context, ModelsDirOption));
        return models;
    }

    private static Option<string> ModelsDirOption() => new("--models-dir")
    {
        Description = "Models root holding <preset>/ folders (default: LODEDB_MODEL_DIR, else the per-user cache).",
        HelpName = "DIR",
    };

    private static Command CreateList(CliContext context)
    {
        Option<string> modelsDir = ModelsDirOption();
        var command = new Command("list", "Show each preset, its repository, and whether its files are in the models root.") { modelsDir };
        command.SetAction(parsed =>
        {
            DoctorReport report = LodeDatabase.Doctor(new DoctorOptions { ModelDirectory = parsed.GetValue(modelsDir) });
            var table = new Table().AddColumns("preset", "repository", "status", "folder");
            foreach (PresetModelStatus model in report.Models)
            {
                string status = model.IsPresent
                    ? "present"
                    : model.MissingFiles.Count == model.Files.Count ? "not downloaded" : $"incomplete: lacks {string.Join(", ", model.MissingFiles)}";
                table.AddRow(new Text(model.Name), new Text(model.Repository), new Text(status), new Text(model.Folder));
            }

            context.OutConsole.Write(table);
            context.Out.WriteLine($"Models root: {report.ModelRoot}");
            if (report.Models.Any(m => !m.IsPresent))
            {
                context.Out.WriteLine("Download a preset with `lodedb models pull <preset>`.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreatePull(CliContext context)
    {
        var preset = new Argument<string>("preset") { Description = $"The preset to download: {string.Join(", ", ModelPresets.Names)}." };
        Option<string> modelsDir = ModelsDirOption();
        var endpoint = new Option<string>("--endpoint")
        {
            Description = "Hub address (a mirror); default: LODEDB_HF_ENDPOINT, else https://huggingface.co.",
            HelpName = "URL",
        };
        var command = new Command("pull", "Download a preset's files at its pinned revision, verifying each file's size and hash.") { preset, modelsDir, endpoint };
        command.SetAction(parsed =>
        {
            string name = parsed.GetValue(preset)!;
            if (!ModelPresets.TryGet(name, out ModelPreset? modelPreset))
            {
                throw new CliUsageException($"'{name}' is not a preset that can be pulled; use one of: {string.Join(", ", ModelPresets.Names)}.");
            }

            string? endpointText = parsed.GetValue(endpoint);
            if (endpointText is not null
                && (!Uri.TryCreate(endpointText, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                throw new CliUsageException($"--endpoint '{endpointText}' is not an absolute http(s) address, e.g. https://huggingface.co.");
            }

            using var downloader = new ModelDownloader(new ModelDownloaderOptions { Endpoint = endpointText });
            string? root = parsed.GetValue(modelsDir);
            context.Error.WriteLine($"Pulling {modelPreset.Name} ({modelPreset.Repository} at {modelPreset.Revision}) from {downloader.Endpoint} into {ModelDownloader.ModelFolder(modelPreset, root)}");
            ModelPullResult? result = null;
            context.WithProgress($"{modelPreset.Name}: {modelPreset.Files.Count} files", modelPreset.Files.Count, report =>
            {
                var progress = new PullProgress(report);
                result = downloader.PullAsync(modelPreset, root, progress).GetAwaiter().GetResult();
            });

            int downloaded = result!.Files.Count(f => f.Source == PulledFileSource.Downloaded);
            int resumed = result.Files.Count(f => f.Source == PulledFileSource.Resumed);
            int kept = result.Files.Count(f => f.Source == PulledFileSource.Skipped);
            long bytes = result.Files.Sum(f => f.Size);
            context.Out.WriteLine(
                $"Pulled {result.Preset} ({result.Repository} at {result.Revision}) into {result.ModelDirectory}: "
                + $"{result.Files.Count} files, {Units.Bytes(bytes)} ({downloaded} downloaded, {resumed} resumed, {kept} already there), every file verified.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Turns per-file download reports into one fraction of files done (synchronous: no context switch per report).</summary>
    private sealed class PullProgress(Action<double> report) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value)
        {
            double within = value.Stage is ModelDownloadStage.Completed or ModelDownloadStage.Skipped
                ? 1
                : value.FileSize > 0 ? Math.Min(1, (double)value.BytesDone / value.FileSize) : 0;
            report(value.FileIndex + within);
        }
    }
}
