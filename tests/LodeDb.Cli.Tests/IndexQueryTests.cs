using System.Text.Json;

namespace LodeDb.Cli.Tests;

/// <summary>
/// <c>index</c>, <c>query</c> and <c>stats</c> on one database built from a few files with the
/// text-bert fixture model through <c>--onnx-model</c> (a real ONNX session, tokenizer and scan).
/// </summary>
public sealed class IndexQueryTests
{
    private TempFolder _folder = null!;
    private string _docs = null!;
    private string _db = null!;
    private CliRun _index = null!;

    private static string[] Model => ["--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"];

    [OneTimeSetUp]
    public void IndexFiles()
    {
        _folder = new TempFolder();
        _docs = _folder.Combine("docs");
        _db = _folder.Combine("db");
        _folder.Write("docs/car.txt", "The car mechanic fixed the engine.");
        _folder.Write("docs/dog.md", "My dog loves puppy food.");
        _folder.Write("docs/notes/clinic.txt", "The physician works at the hospital. Ticket ABC-123 is open.");
        _folder.Write("docs/empty.txt", "  \n");
        _folder.Write("docs/invisible.txt", "\u200B \u2060\u00AD\uFEFF\n"); // shows nothing: skipped as empty, not a failed batch
        _folder.Write("docs/data.bin", "not a document");
        _folder.Write("docs/.hidden.txt", "never indexed");
        File.WriteAllBytes(_folder.Combine("docs", "photo.png"), [0x89, 0x50, 0x4E, 0x47]);
        _index = CliRun.Of(["index", _db, _docs, "--recursive", "--metadata", "year=2024", "--metadata", "team=blue", .. Model]);
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    private static CliRun Query(string db, params string[] args) => CliRun.Of(["query", db, .. args, .. Model]);

    private static JsonElement[] JsonLines(CliRun run) =>
        [.. run.OutLines.Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    [Test]
    public void Index_adds_the_text_files_and_reports_what_it_skipped()
    {
        Assert.That(_index.ExitCode, Is.EqualTo(ExitCodes.Ok), _index.ToString);
        Assert.Multiple(() =>
        {
            Assert.That(_index.Out, Does.Contain("Indexed 3 text files and 0 images of 7 files"));
            Assert.That(_index.Out, Does.Contain("Skipped 4: unsupported file type (1); empty (no visible text to embed) (2); this database has no image embedder (create it with --model clip) (1). (--verbose lists the files)"));
            Assert.That(_index.Out, Does.Not.Contain(_docs), "paths only with --verbose");
            Assert.That(_index.Out, Does.Contain("The database holds 3 documents."));
        });
    }

    [Test]
    public void Vector_query_finds_the_car_mechanic_for_automobile_repair_without_a_shared_word()
    {
        CliRun run = Query(_db, "automobile repair", "--json", "--k", "2");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        JsonElement[] hits = JsonLines(run);
        Assert.That(hits, Has.Length.EqualTo(2));
        Assert.That(hits[0].GetProperty("id").GetString(), Is.EqualTo("car.txt"));
        Assert.That(hits[0].GetProperty("score").GetDouble(), Is.GreaterThan(hits[1].GetProperty("score").GetDouble()));

        // The semantic hit is not lexical: BM25 finds nothing for these words.
        CliRun lexical = Query(_db, "automobile repair", "--json", "--mode", "lexical");
        Assert.That(lexical.ExitCode, Is.EqualTo(ExitCodes.Ok), lexical.ToString);
        Assert.That(lexical.Out, Is.Empty);
    }

    [Test]
    public void Lexical_query_finds_an_exact_token_and_json_lines_carry_text_and_metadata()
    {
        CliRun run = Query(_db, "abc-123", "--mode", "lexical", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        JsonElement[] hits = JsonLines(run);
        Assert.That(hits, Has.Length.EqualTo(1));
        JsonElement hit = hits[0];
        JsonElement metadata = hit.GetProperty("metadata");
        Assert.Multiple(() =>
        {
            Assert.That(hit.GetProperty("rank").GetInt32(), Is.EqualTo(1));
            Assert.That(hit.GetProperty("id").GetString(), Is.EqualTo("notes/clinic.txt"));
            Assert.That(hit.GetProperty("text").GetString(), Is.EqualTo("The physician works at the hospital. Ticket ABC-123 is open."));
            Assert.That(metadata.GetProperty("path").GetString(), Is.EqualTo(Path.Combine(_docs, "notes", "clinic.txt")));
            Assert.That(metadata.GetProperty("kind").GetString(), Is.EqualTo("text"));
            Assert.That(metadata.GetProperty("extension").GetString(), Is.EqualTo(".txt"));
            Assert.That(metadata.GetProperty("year").GetInt64(), Is.EqualTo(2024));
            Assert.That(metadata.GetProperty("team").GetString(), Is.EqualTo("blue"));
        });
    }

    [Test]
    public void Hybrid_query_with_a_filter_returns_only_matching_documents()
    {
        CliRun run = Query(_db, "dog car hospital", "--mode", "hybrid", "--filter", """{"extension": {"$in": [".md"]}}""", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(JsonLines(run).Select(h => h.GetProperty("id").GetString()), Is.EqualTo(new[] { "dog.md" }));
    }

    [Test]
    public void Table_output_lists_rank_score_id_and_text()
    {
        CliRun run = Query(_db, "automobile repair", "--k", "1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(run.OutLines, Has.Some.Match(@"│ 1 │ 0\.\d{4} │ car\.txt\s+│ The car mechanic fixed the engine\.\s+│"));
    }

    [Test]
    public void Stats_json_reports_the_database()
    {
        // No model flags: stats never loads a model.
        CliRun run = CliRun.Of("stats", _db, "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("documents").GetInt64(), Is.EqualTo(3));
            Assert.That(root.GetProperty("dimension").GetInt32(), Is.EqualTo(32));
            Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("text-bert"));
            Assert.That(root.GetProperty("storesText").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("diskBytes").GetInt64(), Is.GreaterThan(0));
        });
    }

    [Test]
    public void Indexing_again_replaces_documents_by_id()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        string file = folder.Write("docs/a.txt", "The car mechanic fixed the engine.");
        Assert.That(CliRun.Of(["index", db, file, .. Model]).ExitCode, Is.EqualTo(ExitCodes.Ok));
        File.WriteAllText(file, "My dog loves puppy food.");

        CliRun again = CliRun.Of(["index", db, folder.Combine("docs"), "--store-text", "true", .. Model]);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.ToString);
        Assert.That(again.Out, Does.Contain("The database holds 1 document."));
        JsonElement hit = JsonLines(Query(db, "puppy", "--mode", "lexical", "--json")).Single();
        Assert.That(hit.GetProperty("id").GetString(), Is.EqualTo("a.txt"));
    }

    [Test]
    public void Query_needs_no_model_flags_the_database_remembers_its_model()
    {
        CliRun run = CliRun.Of("query", _db, "automobile repair", "--json", "--k", "1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.That(JsonLines(run)[0].GetProperty("id").GetString(), Is.EqualTo("car.txt"));
    }

    [Test]
    public void A_custom_database_without_its_remembered_model_says_which_options_to_pass()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        Assert.That(CliRun.Of(["index", db, folder.Write("a.txt", "The car mechanic fixed the engine."), .. Model]).ExitCode, Is.EqualTo(ExitCodes.Ok));
        File.Delete(Path.Combine(db, "lodedb-cli-model.json"));

        CliRun run = CliRun.Of("query", db, "car");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.StartWith("lodedb: error: ").And.Contain("ModelName = text-bert").And.Contain("--onnx-model FOLDER --model-name NAME"));
        Assert.That(CliRun.Of("stats", db).ExitCode, Is.EqualTo(ExitCodes.Ok), "stats loads no model");
    }

    [Test]
    public void Verbose_index_lists_each_skipped_file_and_an_empty_input_fails_with_a_message()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        folder.Write("docs/a.txt", "The car mechanic fixed the engine.");
        folder.Write("docs/b.bin", "binary");
        Directory.CreateDirectory(folder.Combine("empty"));

        CliRun verbose = CliRun.Of(["index", db, folder.Combine("docs"), "--verbose", .. Model]);
        CliRun empty = CliRun.Of(["index", db, folder.Combine("empty"), .. Model]);

        Assert.That(verbose.ExitCode, Is.EqualTo(ExitCodes.Ok), verbose.ToString);
        Assert.That(verbose.Out, Does.Contain($"skipped {folder.Combine("docs", "b.bin")}: unsupported file type"));
        Assert.That(empty.ExitCode, Is.EqualTo(ExitCodes.Usage), empty.ToString);
        Assert.That(empty.ErrorLines.Single(), Does.Contain("nothing to index"));
    }
}
