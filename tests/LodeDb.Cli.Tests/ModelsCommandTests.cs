using System.Net;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Cli.Tests;

/// <summary>
/// <c>models pull</c> and <c>models list</c> against <see cref="FakeHub"/> on 127.0.0.1 playing
/// the bge repository at its pinned revision with the text-bert fixture's files (the same three
/// file names bge needs).
/// </summary>
[NonParallelizable] // sets process environment variables
public sealed class ModelsCommandTests
{
    private static FakeHub BgeHub() => new FakeHub(TextModelPresets.Bge.Repository, TextModelPresets.Bge.Revision).WithTextBert();

    [Test]
    public void Pull_downloads_and_verifies_the_preset_files_then_list_and_doctor_see_them()
    {
        using var root = new TempFolder();
        using FakeHub hub = BgeHub();

        CliRun pull = CliRun.Of("models", "pull", "bge", "--models-dir", root.Path, "--endpoint", hub.Endpoint);

        Assert.That(pull.ExitCode, Is.EqualTo(ExitCodes.Ok), pull.ToString);
        Assert.That(pull.Out, Does.Contain($"Pulled bge (BAAI/bge-base-en-v1.5 at {TextModelPresets.Bge.Revision}) into {root.Combine("bge")}: 3 files"));
        foreach (string file in TextModelPresets.Bge.Files)
        {
            Assert.That(File.ReadAllBytes(root.Combine("bge", file)), Is.EqualTo(hub.Files[file].Content), file);
        }

        CliRun list = CliRun.Of("models", "list", "--models-dir", root.Path);
        Assert.That(list.ExitCode, Is.EqualTo(ExitCodes.Ok), list.ToString);
        Assert.That(list.OutLines, Has.Some.Match(@"│ bge\s+│ BAAI/bge-base-en-v1\.5\s+│ present\s+│"));
        Assert.That(list.OutLines, Has.Some.Match(@"│ minilm\s+│ sentence-transformers/all-MiniLM-L6-v2\s+│ not downloaded\s+│"));
        Assert.That(CliRun.Of("doctor", "--models-dir", root.Path, "--require", "bge").ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void Pull_reads_the_endpoint_from_LODEDB_HF_ENDPOINT()
    {
        using var root = new TempFolder();
        using FakeHub hub = BgeHub();
        using var endpoint = new EnvironmentVariableScope(ModelDownloader.EndpointVariable, hub.Endpoint);

        CliRun pull = CliRun.Of("models", "pull", "bge", "--models-dir", root.Path);

        Assert.That(pull.ExitCode, Is.EqualTo(ExitCodes.Ok), pull.ToString);
        Assert.That(File.Exists(root.Combine("bge", "onnx", "model.onnx")), Is.True);
        Assert.That(hub.Requests, Is.Not.Empty);
    }

    [Test]
    public void A_corrupted_file_fails_with_one_error_line_and_leaves_no_file()
    {
        using var root = new TempFolder();
        using FakeHub hub = BgeHub();
        hub.Files["onnx/model.onnx"].Corrupt = true;

        CliRun pull = CliRun.Of("models", "pull", "bge", "--models-dir", root.Path, "--endpoint", hub.Endpoint);

        Assert.That(pull.ExitCode, Is.EqualTo(ExitCodes.Failure), pull.ToString);
        Assert.That(pull.ErrorLines.Where(l => l.StartsWith("lodedb: error: ", StringComparison.Ordinal)).Single(), Does.StartWith("lodedb: error: Integrity check failed: 'onnx/model.onnx'"));
        Assert.That(pull.Error, Does.Not.Contain("   at "));
        Assert.That(File.Exists(root.Combine("bge", "onnx", "model.onnx")), Is.False);
    }

    [Test]
    public void A_file_the_hub_answers_404_for_fails_non_zero()
    {
        using var root = new TempFolder();
        using FakeHub hub = BgeHub();
        hub.Files["vocab.txt"].Status = HttpStatusCode.NotFound;

        CliRun pull = CliRun.Of("models", "pull", "bge", "--models-dir", root.Path, "--endpoint", hub.Endpoint);

        Assert.That(pull.ExitCode, Is.EqualTo(ExitCodes.Failure), pull.ToString);
        Assert.That(pull.Error, Does.Contain("lodedb: error: ").And.Contain("404").Or.Contain("Not Found"));
        Assert.That(File.Exists(root.Combine("bge", "vocab.txt")), Is.False);
    }
}
