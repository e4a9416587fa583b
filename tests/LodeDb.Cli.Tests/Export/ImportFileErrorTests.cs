namespace LodeDb.Cli.Tests.Export;

/// <summary><c>lodedb import</c> of a file that is not a lodedb export: exit 1 and one line naming the file, not an "unexpected, please report it".</summary>
public sealed class ImportFileErrorTests
{
    [TestCase("bad.jsonl", "not json\n", "bad.jsonl:1: not a lodedb JSON line")]
    [TestCase("bad.parquet", "not parquet", "is not a Parquet file of lodedb export rows")]
    [TestCase("meta.jsonl", "{\"id\": \"a\", \"text\": \"x\", \"metadata\": [1]}\n", "the metadata of 'a' is not a JSON object")]
    public void A_damaged_export_is_a_failure_with_the_reason_not_an_unexpected_error(string name, string content, string reason)
    {
        using var folder = new TempFolder();

        CliRun run = CliRun.Of("import", folder.Combine("db"), folder.Write(name, content), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.Contain(reason).And.Not.Contain("unexpected"), run.ToString);
    }
}
