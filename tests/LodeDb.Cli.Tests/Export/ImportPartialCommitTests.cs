using System.Text;

namespace LodeDb.Cli.Tests.Export;

/// <summary>
/// <c>lodedb import</c> commits in atomic batches of 64: a row the database refuses in a later
/// batch fails the command, and the error says how many documents the earlier batches left
/// committed (they stay; the failed batch stored nothing).
/// </summary>
public sealed class ImportPartialCommitTests
{
    private static string VectorFile(TempFolder folder, int count, string lastMetadata)
    {
        var lines = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            string metadata = i == count - 1 ? lastMetadata : $$"""{"n":{{i}}}""";
            lines.Append($$"""{"id":"d{{i:D3}}","metadata":{{metadata}},"vectors":[[{{i + 1}},1,0,0]]}""").Append('\n');
        }

        return folder.Write("export.jsonl", lines.ToString());
    }

    [TestCase("""{"n":9223372036854775808}""")]
    [TestCase("""{"$n":1}""")]
    public void A_refused_row_after_the_first_batch_fails_and_says_what_was_committed(string badMetadata)
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");

        CliRun run = CliRun.Of("import", db, VectorFile(folder, 100, badMetadata), "--vectors-only");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.Contain("64 of 100 documents were already committed").And.Not.Contain("unexpected"), run.ToString);
        Assert.That(CliRun.Of("stats", db, "--json").Out, Does.Contain("\"documents\":64"));
    }
}
