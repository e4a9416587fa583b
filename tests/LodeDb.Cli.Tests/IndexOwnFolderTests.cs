namespace LodeDb.Cli.Tests;

/// <summary><c>lodedb index</c> of a folder that holds the database itself: the database's own files are never indexed as documents.</summary>
public sealed class IndexOwnFolderTests
{
    [Test]
    public void Indexing_a_folder_again_leaves_out_the_database_inside_it()
    {
        using var folder = new TempFolder();
        folder.Write("project/notes/car.txt", "The car mechanic fixed the engine.");
        string project = folder.Combine("project");
        string db = folder.Combine("project", "db");
        CliRun first = CliRun.Of("index", db, project, "-r", "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.ToString);

        CliRun again = CliRun.Of("index", db, project, "-r");
        CliRun list = CliRun.Of("list", db, "--json");

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.ToString);
        Assert.That(list.OutLines, Has.Length.EqualTo(1), list.ToString);
        Assert.That(list.Out, Does.Contain("\"notes/car.txt\"").And.Not.Contain("db/"), list.ToString);
    }
}
