using LodeDb.Cli;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// What a user does offline with the files of all-MiniLM-L6-v2 they already have:
/// <c>lodedb models import minilm &lt;folder&gt;</c>, <c>lodedb doctor</c>, then the preset; and what
/// happens when the imported weights are damaged afterwards.
/// </summary>
public sealed class RealModelImportTests
{
    private static (int Code, string Out, string Error) Lodedb(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void ImportDoctorAndTheTypedErrorWhenTheWeightsAreDamagedAfterwards()
    {
        string source = RealModels.RequireFolder(RealModels.MiniLm);
        using var models = new TestFolder();

        var import = Lodedb("models", "import", "minilm", source, "--models-dir", models.Path);
        Assert.That(import.Code, Is.EqualTo(0), import.Error);
        TestContext.Out.WriteLine(import.Out);
        Assert.That(import.Out, Does.Contain($"Imported minilm from {source} into {Path.Combine(models.Path, "minilm")}: 2 files, 86.9 MiB, 384-d, vocabulary 30,522 tokens."));
        Assert.That(import.Out, Does.Contain("Tokenizer: no tokenizer_config.json: BERT defaults (lower-casing on, the vocabulary is uncased, max length 512)."));

        var doctor = Lodedb("doctor", "--models-dir", models.Path, "--require", "minilm");
        Assert.That(doctor.Code, Is.EqualTo(0), doctor.Out);
        Assert.That(doctor.Out, Does.Match(@"ok\s+model:minilm\s+sentence-transformers/all-MiniLM-L6-v2 in .*: 2 files match lodedb-model\.json \(SHA-256; source import:.*\); tokenizer: no tokenizer_config\.json: BERT defaults"));

        using (var db = LodeDatabase.Open(Path.Combine(models.Path, "db"), new LodeDbOptions { Model = "minilm", ModelDirectory = models.Path }))
        {
            db.Add("The weather is lovely today.", "w");
            Assert.That(db.Search("It's so sunny outside!", 1)[0].Score, Is.EqualTo(0.666f).Within(0.02f), "4-bit estimate of the documented 0.6660");
        }

        // One flipped bit deep in the weights, same size: without the manifest this would load and embed differently.
        string model = Path.Combine(models.Path, "minilm", "onnx", "model.onnx");
        using (var file = new FileStream(model, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            int value = file.ReadByte();
            file.Position = file.Length / 2;
            file.WriteByte((byte)(value ^ 0x10));
        }

        var error = Assert.Throws<ModelDamagedException>(() => LodeDatabase.Open(Path.Combine(models.Path, "db"), new LodeDbOptions { ModelDirectory = models.Path }))!;
        Assert.That(error.File, Is.EqualTo(model));
        Assert.That(error.ActualSize, Is.EqualTo(error.ExpectedSize));
        Assert.That(error.Message, Does.Contain("lodedb models pull minilm"));

        var damaged = Lodedb("doctor", "--models-dir", models.Path);
        Assert.That(damaged.Code, Is.EqualTo(1), damaged.Out);
        Assert.That(damaged.Out, Does.Match(@"FAILED\s+model:minilm\s+.*has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} recorded in"));
    }
}
