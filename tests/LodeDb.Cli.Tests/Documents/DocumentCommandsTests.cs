using System.Diagnostics;
using System.Text.Json;
using LodeDb.Cli.Tests.Mcp;

namespace LodeDb.Cli.Tests.Documents;

/// <summary><c>get</c>, <c>list</c> (filter, cursor, --json), <c>remove</c> (ids, --filter, --yes), <c>bench --json</c>, and ONNX Runtime's log on a pipe.</summary>
public sealed class DocumentCommandsTests
{
    private TempFolder _folder = null!;
    private string _db = null!;

    [SetUp]
    public void IndexFiles()
    {
        _folder = new TempFolder();
        _db = _folder.Combine("db");
        for (int i = 0; i < 5; i++)
        {
            _folder.Write($"docs/d{i}.txt", $"Document number {i} about the car engine.");
        }

        CliRun index = CliRun.Of("index", _db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
    }

    [TearDown]
    public void Cleanup() => _folder.Dispose();

    [Test]
    public void Get_prints_metadata_and_text_and_a_missing_id_exits_3()
    {
        CliRun run = CliRun.Of("get", _db, "d1.txt", "--json");
        CliRun missing = CliRun.Of("get", _db, "d1.txt", "nope");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        using JsonDocument json = JsonDocument.Parse(run.OutLines.Single());
        Assert.That(json.RootElement.GetProperty("text").GetString(), Is.EqualTo("Document number 1 about the car engine."));
        Assert.That(json.RootElement.GetProperty("metadata").GetProperty("bytes").GetInt64(), Is.EqualTo(39));
        Assert.That(json.RootElement.GetProperty("chunkCount").GetInt32(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("contentHash").GetString(), Is.EqualTo(LodeContentHash.OfText("Document number 1 about the car engine.")));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.NotFound), missing.ToString);
        Assert.That(missing.Out, Does.Contain("d1.txt"), "the found document is still printed");
        Assert.That(missing.ErrorLines.Single(), Does.Contain("'nope'"));
    }

    [Test]
    public void A_removal_between_pages_neither_repeats_nor_skips_a_document()
    {
        CliRun first = CliRun.Of("list", _db, "--limit", "2", "--json");
        string cursor = first.ErrorLines.Single().Split("--cursor ")[1];
        Assert.That(CliRun.Of("remove", _db, "d0.txt", "--yes").ExitCode, Is.EqualTo(ExitCodes.Ok));
        CliRun second = CliRun.Of("list", _db, "--limit", "10", "--json", "--cursor", cursor);

        string[] ids = [.. first.OutLines.Concat(second.OutLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)];
        Assert.That(ids, Is.EqualTo(new[] { "d0.txt", "d1.txt", "d2.txt", "d3.txt", "d4.txt" }), "an offset cursor would skip d2.txt here");
    }

    [Test]
    public void List_pages_with_a_cursor_and_filters()
    {
        CliRun first = CliRun.Of("list", _db, "--limit", "3", "--json");
        string cursor = first.ErrorLines.Single().Split("--cursor ")[1];
        CliRun second = CliRun.Of("list", _db, "--limit", "3", "--json", "--cursor", cursor);
        CliRun filtered = CliRun.Of("list", _db, "--filter", """{"path": {"$in": ["x"]}}""");
        CliRun table = CliRun.Of("list", _db, "--limit", "2");

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.ToString);
        string[] ids = [.. first.OutLines.Concat(second.OutLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)];
        Assert.That(ids, Is.EqualTo(new[] { "d0.txt", "d1.txt", "d2.txt", "d3.txt", "d4.txt" }));
        Assert.That(second.ErrorLines, Is.Empty, "no more pages");
        Assert.That(filtered.Out, Does.Contain("No documents."));
        Assert.That(table.Out, Does.Contain("d1.txt").And.Contain("More: --cursor c1."));
        Assert.That(CliRun.Of("list", _db, "--cursor", "abc").ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliRun.Of("list", _db, "--cursor", "c1.!!").ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void Remove_needs_yes_without_a_terminal_and_removes_by_id_or_filter()
    {
        CliRun unconfirmed = CliRun.Of("remove", _db, "d0.txt");
        CliRun byId = CliRun.Of("remove", _db, "d0.txt", "ghost", "--yes");
        string filter = JsonSerializer.Serialize(new { path = new Dictionary<string, string[]> { ["$in"] = [_folder.Combine("docs", "d1.txt")] } });
        CliRun byFilter = CliRun.Of("remove", _db, "--filter", filter, "--yes");
        CliRun both = CliRun.Of("remove", _db, "d2.txt", "--filter", "{}", "--yes");

        Assert.That(unconfirmed.ExitCode, Is.EqualTo(ExitCodes.Usage), unconfirmed.ToString);
        Assert.That(unconfirmed.ErrorLines.Single(), Does.Contain("--yes"));
        Assert.That(byId.ExitCode, Is.EqualTo(ExitCodes.Ok), byId.ToString);
        Assert.That(byId.Out, Does.Contain("Removed 1 document; 1 id was not there. The database holds 4 documents."));
        Assert.That(byFilter.ExitCode, Is.EqualTo(ExitCodes.Ok), byFilter.ToString);
        Assert.That(byFilter.Out, Does.Contain("holds 3 documents"));
        Assert.That(both.ExitCode, Is.EqualTo(ExitCodes.Usage), both.ToString);
        Assert.That(CliRun.Of("get", _db, "d0.txt").ExitCode, Is.EqualTo(ExitCodes.NotFound));
    }

    [Test]
    public void Bench_json_prints_one_object()
    {
        CliRun run = CliRun.Of("bench", "--count", "500", "--dim", "32", "--queries", "5", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        using JsonDocument json = JsonDocument.Parse(run.OutLines.Single());
        Assert.That(json.RootElement.GetProperty("count").GetInt32(), Is.EqualTo(500));
        Assert.That(json.RootElement.GetProperty("recall").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(json.RootElement.GetProperty("diskBytes").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public void Onnx_runtime_warnings_reach_a_piped_stderr_as_plain_lodedb_lines()
    {
        (string command, string[] prefix) = McpServerProcess.CliCommand();
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])[.. prefix, "query", _db, "car", "--json"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.That(process.ExitCode, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(stdout.Result, Does.Contain("\"id\""));
        // The fixture model makes ONNX Runtime warn about an unused initializer.
        Assert.That(stderr, Does.Contain("lodedb: onnxruntime warning: Removing initializer"));
        Assert.That(stderr, Does.Not.Contain("\u001b["), "no ANSI colour codes on a pipe");
        Assert.That(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.All.StartsWith("lodedb: "));
    }
}
