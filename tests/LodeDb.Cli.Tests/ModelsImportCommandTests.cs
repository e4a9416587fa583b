using LodeDb.Embeddings.Onnx;

namespace LodeDb.Cli.Tests;

/// <summary>
/// <c>models import</c> errors on the 32-d text-bert fixture (the real all-MiniLM-L6-v2 import is
/// tested in tests/LodeDb.RealModels.Tests), and <c>doctor</c> on a pulled model damaged afterwards.
/// </summary>
public sealed class ModelsImportCommandTests
{
    [Test]
    public void Importing_a_folder_of_another_width_fails_with_one_line_and_writes_nothing()
    {
        using var source = new TempFolder();
        using var models = new TempFolder();
        string folder = source.CopyTextBert("download", flattenModel: true);

        CliRun run = CliRun.Of("models", "import", "minilm", folder, "--models-dir", models.Path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString);
        Assert.That(run.ErrorLines.Where(l => l.StartsWith("lodedb: error: ", StringComparison.Ordinal)).Single(), Does.Contain("32").And.Contain("384"));
        Assert.That(run.Error, Does.Not.Contain("   at "));
        Assert.That(Directory.GetFileSystemEntries(models.Path), Is.Empty);
    }

    [Test]
    public void Import_usage_errors_exit_2_and_a_missing_folder_exits_3()
    {
        using var models = new TempFolder();

        Assert.That(CliRun.Of("models", "import", "nosuch", models.Path).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliRun.Of("models", "import", "minilm").ExitCode, Is.EqualTo(ExitCodes.Usage));
        CliRun missing = CliRun.Of("models", "import", "minilm", models.Combine("nowhere"), "--models-dir", models.Path);
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.NotFound), missing.ToString);
    }

    [Test]
    public void Doctor_fails_with_exit_1_when_a_pulled_model_changed_after_the_pull()
    {
        using var root = new TempFolder();
        using (FakeHub hub = new FakeHub(TextModelPresets.Bge.Repository, TextModelPresets.Bge.Revision).WithTextBert())
        {
            Assert.That(CliRun.Of("models", "pull", "bge", "--models-dir", root.Path, "--endpoint", hub.Endpoint).ExitCode, Is.EqualTo(ExitCodes.Ok));
        }

        CliRun healthy = CliRun.Of("doctor", "--models-dir", root.Path, "--require", "bge");
        Assert.That(healthy.ExitCode, Is.EqualTo(ExitCodes.Ok), healthy.ToString);
        Assert.That(healthy.OutLines, Has.Some.Match(@"^ok\s+model:bge\s+.*: 3 files match lodedb-model\.json \(SHA-256; source BAAI/bge-base-en-v1\.5@"));

        File.AppendAllText(root.Combine("bge", "vocab.txt"), "extra\n");
        CliRun damaged = CliRun.Of("doctor", "--models-dir", root.Path);
        Assert.That(damaged.ExitCode, Is.EqualTo(ExitCodes.Failure), damaged.ToString);
        Assert.That(damaged.OutLines, Has.Some.Match(@"^FAILED\s+model:bge\s+.*vocab\.txt' is [\d,]+ bytes, not the [\d,]+ bytes recorded in"));
    }
}

/// <summary><c>index --onnx-model</c> on a folder without tokenizer_config.json says once which defaults it uses.</summary>
public sealed class TokenizerDefaultsNoteTests
{
    [Test]
    public void Indexing_with_a_model_folder_without_tokenizer_config_names_the_BERT_defaults_once()
    {
        using var work = new TempFolder();
        string model = work.CopyTextBert("model");
        File.Delete(Path.Combine(model, "tokenizer_config.json"));
        work.Write("docs/a.txt", "the car mechanic repaired the engine");
        work.Write("docs/b.txt", "the puppy barks at the vet");

        CliRun run = CliRun.Of("index", work.Combine("db"), work.Combine("docs"), "--onnx-model", model, "--model-name", "text-bert");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(run.ErrorLines.Count(l => l.Contains("BERT defaults", StringComparison.Ordinal)), Is.EqualTo(1), run.ToString);
        Assert.That(run.Error, Does.Contain($"{model}: no tokenizer_config.json: BERT defaults (lower-casing on, the vocabulary is uncased, max length 512)."));
    }
}
