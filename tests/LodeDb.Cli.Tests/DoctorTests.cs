using System.Text.Json;
using System.Text.RegularExpressions;
using LodeDb.Diagnostics;
using LodeDb.Native;

namespace LodeDb.Cli.Tests;

/// <summary><c>lodedb doctor</c> and <see cref="LodeDatabase.Doctor(DoctorOptions?)"/>.</summary>
[NonParallelizable] // sets process environment variables
public sealed class DoctorTests
{
    /// <summary>Every check in order; one model check per known preset (minilm and bge at least).</summary>
    private static string[] CheckNames(string modelRoot) =>
    [
        // The core's checks, then the ONNX package's (its preset provider's) section.
        "native-library", "simd", "durability", "commit-mode", "lock-timeout", "max-image-pixels",
        "onnx-runtime", "model-directory",
        .. LodeDatabase.Doctor(new DoctorOptions { ModelDirectory = modelRoot }).Models.Select(m => "model:" + m.Name),
        "image-decoding", "hf-endpoint",
    ];

    [Test]
    public void Doctor_prints_every_check_and_the_simd_level_picked()
    {
        using var models = new TempFolder();

        CliRun run = CliRun.Of("doctor", "--models-dir", models.Path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        string simd = NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel);
        Assert.Multiple(() =>
        {
            Assert.That(CheckNames(models.Path), Does.Contain("model:minilm").And.Contain("model:bge"));
            foreach (string name in CheckNames(models.Path))
            {
                Assert.That(run.OutLines.Any(l => Regex.IsMatch(l, $@"^(ok|warning|FAILED)\s+{Regex.Escape(name)}\s")), Is.True, $"no line for {name}:\n{run.Out}");
            }

            Assert.That(run.OutLines, Has.Some.Match($@"^ok\s+simd\s+{simd} \(supported here: [a-z0-9, ]*{simd}"));
            Assert.That(run.OutLines, Has.Some.Match(@"^ok\s+native-library\s+\S*liblodedb\.\S+ \(version \d+\.\d+\.\d+, ABI \d+"));
            Assert.That(run.OutLines, Has.Some.Match(@"^ok\s+image-decoding\s+SkiaSharp"));
            Assert.That(run.OutLines, Has.Some.Match(@"^warning\s+model:minilm\s+.*lodedb models pull minilm"));
            Assert.That(run.OutLines, Has.Some.Match(@"^ok\s+max-image-pixels\s+67,108,864 pixels \(default"));
            Assert.That(run.Out, Does.Contain($"Healthy ({CheckNames(models.Path).Count(n => n.StartsWith("model:", StringComparison.Ordinal))} warnings)."));
        });
    }

    [Test]
    public void A_required_preset_that_is_missing_fails_with_exit_3_and_names_the_pull_command()
    {
        using var models = new TempFolder();

        CliRun run = CliRun.Of("doctor", "--models-dir", models.Path, "--require", "minilm");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.NotFound), run.ToString);
        Assert.That(run.OutLines, Has.Some.Match(@"^FAILED\s+model:minilm\s+.*`lodedb models pull minilm`"));
        Assert.That(run.Out, Does.Contain("Not healthy: 1 check failed"));
    }

    [Test]
    public void A_required_preset_whose_files_are_present_is_healthy()
    {
        using var models = new TempFolder();
        models.CopyTextBert("bge"); // bge's files are onnx/model.onnx, vocab.txt and tokenizer_config.json

        CliRun run = CliRun.Of("doctor", "--models-dir", models.Path, "--require", "bge");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(run.OutLines, Has.Some.Match($@"^ok\s+model:bge\s+BAAI/bge-base-en-v1.5 in {Regex.Escape(models.Combine("bge"))}: no lodedb-model.json: files not verified .*; tokenizer: tokenizer_config.json: lower-casing on, max length 512$"));
    }

    [Test]
    public void Json_report_parses_and_lists_the_checks_and_models()
    {
        using var models = new TempFolder();

        CliRun run = CliRun.Of("doctor", "--models-dir", models.Path, "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("healthy").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("simdLevel").GetString(), Is.EqualTo(NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel)));
            Assert.That(root.GetProperty("modelRoot").GetString(), Is.EqualTo(models.Path));
            Assert.That(root.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()), Is.EqualTo(CheckNames(models.Path)));
            JsonElement minilm = root.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "minilm");
            Assert.That(minilm.GetProperty("present").GetBoolean(), Is.False);
            Assert.That(minilm.GetProperty("missingFiles").EnumerateArray().Select(f => f.GetString()),
                Is.EqualTo(new[] { "onnx/model.onnx", "vocab.txt" }), "tokenizer.json and tokenizer_config.json are optional");
        });
    }

    [Test]
    public void Api_lists_the_files_an_incomplete_preset_folder_lacks()
    {
        using var models = new TempFolder();
        models.Write("minilm/vocab.txt", "[PAD]\n");

        DoctorReport report = LodeDatabase.Doctor(new DoctorOptions { ModelDirectory = models.Path, RequiredPresets = ["MiniLM"] });

        PresetModelStatus minilm = report.Models.Single(m => m.Name == "minilm");
        Assert.Multiple(() =>
        {
            Assert.That(minilm.Folder, Is.EqualTo(models.Combine("minilm")));
            Assert.That(minilm.MissingFiles, Is.EqualTo(new[] { "onnx/model.onnx" }));
            Assert.That(report.Find("model:minilm")!.Status, Is.EqualTo(DoctorStatus.Failed));
            Assert.That(report.Find("model:minilm")!.Detail, Does.Contain("incomplete").And.Contain("onnx/model.onnx"));
            Assert.That(report.Find("model:bge")!.Status, Is.EqualTo(DoctorStatus.Warning));
            Assert.That(report.IsHealthy, Is.False);
        });
    }

    [Test]
    public void An_invalid_environment_default_fails_its_check_and_the_exit_code_is_1()
    {
        using var models = new TempFolder();
        using var durability = new EnvironmentVariableScope("LODEDB_DURABILITY", "sometimes");
        using var pixels = new EnvironmentVariableScope("LODEDB_MAX_IMAGE_PIXELS", "1000");

        CliRun run = CliRun.Of("doctor", "--models-dir", models.Path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString);
        Assert.That(run.OutLines, Has.Some.Match(@"^FAILED\s+durability\s+LODEDB_DURABILITY='sometimes'"));
        Assert.That(run.OutLines, Has.Some.Match(@"^ok\s+max-image-pixels\s+1,000 pixels \(from LODEDB_MAX_IMAGE_PIXELS\)"));
    }

    [Test]
    public void An_unknown_required_preset_is_a_usage_error()
    {
        CliRun run = CliRun.Of("doctor", "--require", "gpt");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(run.ErrorLines[0], Does.StartWith("lodedb: error: --require: 'gpt' is not a preset; use one of: minilm, bge"));
    }
}
