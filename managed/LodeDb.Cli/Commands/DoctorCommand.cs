using System.CommandLine;
using LodeDb.Cli.Output;
using LodeDb.Diagnostics;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb doctor [--models-dir D] [--require PRESET]... [--json]</c>: prints
/// <see cref="LodeDatabase.Doctor(DoctorOptions?)"/>. Exit 0 when healthy; 3 when the only
/// failures are required preset models that are missing; 1 when another check failed (a present
/// model whose files no longer match their manifest included).
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var modelsDir = new Option<string>("--models-dir")
        {
            Description = "Models root to look for preset models in (default: LODEDB_MODEL_DIR, else the per-user cache).",
            HelpName = "DIR",
        };
        var require = new Option<string[]>("--require")
        {
            Description = "A preset whose model must be present (repeatable): missing, it fails the report (exit 3) instead of warning.",
            HelpName = "PRESET",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object." };
        var command = new Command("doctor", "Check the installation: native library and SIMD level, ONNX Runtime, preset models, image decoding, environment defaults.")
        {
            modelsDir,
            require,
            json,
        };
        command.SetAction(parsed =>
        {
            DoctorReport report;
            try
            {
                report = LodeDatabase.Doctor(new DoctorOptions
                {
                    ModelDirectory = parsed.GetValue(modelsDir),
                    RequiredPresets = parsed.GetValue(require) ?? [],
                });
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException($"--require: {CliApp.WithoutParameterName(e)}");
            }

            if (parsed.GetValue(json))
            {
                context.Out.WriteLine(ToJson(report));
            }
            else
            {
                Print(context.Out, report);
            }

            return ExitCode(report);
        });
        return command;
    }

    internal static int ExitCode(DoctorReport report)
    {
        DoctorCheck[] failed = [.. report.Checks.Where(c => c.Status == DoctorStatus.Failed)];
        if (failed.Length == 0)
        {
            return ExitCodes.Ok;
        }

        // Missing required models only: "not found". A present but damaged model is a failure.
        bool onlyMissingModels = failed.All(c => report.Models.Any(m => !m.IsPresent && c.Name == "model:" + m.Name));
        return onlyMissingModels ? ExitCodes.NotFound : ExitCodes.Failure;
    }

    private static void Print(TextWriter output, DoctorReport report)
    {
        int width = report.Checks.Max(c => c.Name.Length);
        output.WriteLine("LodeDb doctor");
        foreach (DoctorCheck check in report.Checks)
        {
            output.WriteLine($"  {Label(check.Status),-7} {check.Name.PadRight(width)}  {check.Detail}");
        }

        int warnings = report.Checks.Count(c => c.Status == DoctorStatus.Warning);
        int failures = report.Checks.Count(c => c.Status == DoctorStatus.Failed);
        output.WriteLine();
        output.WriteLine(report.IsHealthy
            ? $"Healthy ({warnings} warning{(warnings == 1 ? "" : "s")})."
            : $"Not healthy: {failures} check{(failures == 1 ? "" : "s")} failed, {warnings} warning{(warnings == 1 ? "" : "s")}.");
    }

    private static string Label(DoctorStatus status) => status switch
    {
        DoctorStatus.Ok => "ok",
        DoctorStatus.Warning => "warning",
        _ => "FAILED",
    };

    private static string ToJson(DoctorReport report) => JsonLine.Build(json =>
    {
        json.WriteStartObject();
        json.WriteBoolean("healthy", report.IsHealthy);
        json.WriteString("simdLevel", report.SimdLevel);
        json.WriteString("modelRoot", report.ModelRoot);
        json.WriteStartArray("checks");
        foreach (DoctorCheck check in report.Checks)
        {
            json.WriteStartObject();
            json.WriteString("name", check.Name);
            json.WriteString("status", check.Status.ToString().ToLowerInvariant());
            json.WriteString("detail", check.Detail);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("models");
        foreach (PresetModelStatus model in report.Models)
        {
            json.WriteStartObject();
            json.WriteString("name", model.Name);
            json.WriteString("repository", model.Repository);
            json.WriteString("folder", model.Folder);
            json.WriteBoolean("present", model.IsPresent);
            json.WriteStartArray("missingFiles");
            foreach (string file in model.MissingFiles)
            {
                json.WriteStringValue(file);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });
}
