using System.Text;

namespace LodeDb.Cli.Tests;

/// <summary><c>lodedb index</c> keeps a text file's text exactly: a file that is not UTF-8 is skipped with its reason, never stored with replacement characters.</summary>
public sealed class IndexTextEncodingTests
{
    [Test]
    public void A_file_that_is_not_utf8_is_skipped_not_stored_altered()
    {
        using var folder = new TempFolder();
        folder.Write("docs/utf8.txt", "Café au lait, in UTF-8.");
        // "Café au lait" in Latin-1: 0xE9 is not valid UTF-8.
        File.WriteAllBytes(folder.Combine("docs", "latin1.txt"), [.. Encoding.ASCII.GetBytes("Caf"), 0xE9, .. Encoding.ASCII.GetBytes(" au lait, in Latin-1.")]);
        string db = folder.Combine("db");

        CliRun index = CliRun.Of("index", db, folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        CliRun get = CliRun.Of("get", db, "latin1.txt", "--json");

        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
        Assert.That(index.Out, Does.Contain("Indexed 1 text file").And.Contain("not valid UTF-8"), index.ToString);
        Assert.That(get.ExitCode, Is.EqualTo(ExitCodes.NotFound), get.ToString);
        Assert.That(CliRun.Of("get", db, "utf8.txt", "--json").Out, Does.Contain("Café au lait, in UTF-8."));
    }
}
