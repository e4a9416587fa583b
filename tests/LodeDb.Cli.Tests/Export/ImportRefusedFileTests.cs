namespace LodeDb.Cli.Tests.Export;

/// <summary>
/// An import refused for its file's content (before any document is added) leaves no new
/// database behind: bad input stores nothing, and a retry with a fixed file must not find an
/// empty database created with the first attempt's options.
/// </summary>
public sealed class ImportRefusedFileTests
{
    [TestCase("{\"id\": \"a\", \"text\": \"x\", \"metadata\": [1]}\n")]
    [TestCase("{\"id\": \"a\", \"metadata\": {}}\n")]
    public void A_refused_file_creates_no_database(string content)
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");

        CliRun run = CliRun.Of("import", db, folder.Write("rows.jsonl", content), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");

        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(File.Exists(Path.Combine(db, LodeDatabase.RootFileName)), Is.False, "no database was created for a refused file");
    }
}
