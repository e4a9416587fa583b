using System.Text.Json;

namespace LodeDb.Cli.Tests.Mcp;

/// <summary>
/// <c>lodedb mcp</c> as an assistant sees it: one server child process over stdio on a database
/// indexed with the text-bert fixture (no model flags: the database remembers its model), driven
/// by the MCP SDK's client. The tests run in order on that one process.
/// </summary>
[NonParallelizable]
public sealed class McpServerTests
{
    private TempFolder _folder = null!;
    private string _db = null!;
    private McpServerProcess _server = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _folder = new TempFolder();
        _db = _folder.Combine("db");
        _folder.Write("docs/car.txt", "The car mechanic fixed the engine.");
        _folder.Write("docs/dog.txt", "My dog loves puppy food.");
        _folder.Write("docs/error.txt", "The payment failed with error E1234 at the bank.");
        CliRun index = CliRun.Of("index", _db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
        _server = await McpServerProcess.StartAsync(_db);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Test, Order(1)]
    public async Task Lists_search_add_remove_stats_get_and_the_graph_tools_for_an_index_that_stores_text()
    {
        var names = (await _server.Client.ListToolsAsync()).Select(tool => tool.Name).ToArray();

        Assert.That(names, Is.EquivalentTo(new[] { "lodedb_search", "lodedb_add", "lodedb_remove", "lodedb_stats", "lodedb_get", "lodedb_graph_search", "lodedb_graph_neighbors" }));
    }

    [Test, Order(2)]
    public async Task Hybrid_search_is_the_default_and_finds_an_exact_code()
    {
        (string text, bool error) = await _server.CallAsync("lodedb_search", new() { ["query"] = "E1234", ["k"] = 3, ["includeText"] = true });

        Assert.That(error, Is.False, text);
        JsonElement answer = Json(text);
        Assert.That(answer.GetProperty("mode").GetString(), Is.EqualTo("hybrid"));
        JsonElement first = answer.GetProperty("hits")[0];
        Assert.That(first.GetProperty("id").GetString(), Is.EqualTo("error.txt"));
        Assert.That(first.GetProperty("text").GetString(), Does.Contain("E1234"));
        Assert.That(first.GetProperty("metadata").GetProperty("extension").GetString(), Is.EqualTo(".txt"));
    }

    [Test, Order(3)]
    public async Task Add_then_search_and_get_find_the_new_document_with_typed_metadata()
    {
        (string added, bool addError) = await _server.CallAsync("lodedb_add", new()
        {
            ["text"] = "The physician works at the hospital.",
            ["id"] = "clinic",
            ["metadata"] = new Dictionary<string, object?> { ["year"] = 2024, ["score"] = 0.5, ["tags"] = new[] { "a", "b" } },
        });
        Assert.That(addError, Is.False, added);
        Assert.That(Json(added).GetProperty("ids")[0].GetString(), Is.EqualTo("clinic"));

        (string found, _) = await _server.CallAsync("lodedb_search", new() { ["query"] = "doctor", ["k"] = 1, ["mode"] = "vector" });
        Assert.That(Json(found).GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("clinic"));

        (string got, bool getError) = await _server.CallAsync("lodedb_get", new() { ["ids"] = new[] { "clinic", "nope" } });
        Assert.That(getError, Is.False, got);
        JsonElement[] documents = [.. Json(got).GetProperty("documents").EnumerateArray()];
        Assert.Multiple(() =>
        {
            Assert.That(documents[0].GetProperty("text").GetString(), Is.EqualTo("The physician works at the hospital."));
            Assert.That(documents[0].GetProperty("metadata").GetProperty("year").GetRawText(), Is.EqualTo("2024"));
            Assert.That(documents[0].GetProperty("metadata").GetProperty("score").GetDouble(), Is.EqualTo(0.5));
            Assert.That(documents[1].GetProperty("found").GetBoolean(), Is.False);
        });
    }

    [Test, Order(4)]
    public async Task Remove_deletes_and_stats_counts()
    {
        (string removed, bool error) = await _server.CallAsync("lodedb_remove", new() { ["ids"] = new[] { "clinic", "missing" } });

        Assert.That(error, Is.False, removed);
        Assert.That(Json(removed).GetProperty("removed")[0].GetString(), Is.EqualTo("clinic"));
        Assert.That(Json(removed).GetProperty("notFound")[0].GetString(), Is.EqualTo("missing"));
        (string stats, _) = await _server.CallAsync("lodedb_stats", new());
        JsonElement answer = Json(stats);
        Assert.That(answer.GetProperty("documents").GetInt64(), Is.EqualTo(3));
        Assert.That(answer.GetProperty("model").GetString(), Is.EqualTo("text-bert"));
    }

    [Test, Order(5)]
    public async Task A_bad_filter_is_a_one_line_tool_error_and_the_server_keeps_serving()
    {
        (string text, bool error) = await _server.CallAsync("lodedb_search", new() { ["query"] = "car", ["filter"] = new Dictionary<string, object?> { ["year"] = new Dictionary<string, object?> { ["$bogus"] = 1 } } });

        Assert.That(error, Is.True);
        Assert.That(text, Does.Contain("$bogus").And.Not.Contain("\n").And.Not.Contain("   at "));
        (string again, bool againError) = await _server.CallAsync("lodedb_search", new() { ["query"] = "car", ["k"] = 1 });
        Assert.That(againError, Is.False, again);
        Assert.That(Json(again).GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("car.txt"));
    }

    [Test, Order(6)]
    public async Task A_read_only_server_without_stored_text_has_no_get_refuses_writes_and_redacts()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        folder.Write("docs/error.txt", "The payment failed with error E1234 at the bank.");
        CliRun index = CliRun.Of("index", db, folder.Combine("docs"), "--store-text", "false", "--index-text", "true", "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
        await using McpServerProcess server = await McpServerProcess.StartAsync(db, "--read-only", "--exclude-text");

        var names = (await server.Client.ListToolsAsync()).Select(tool => tool.Name).ToArray();
        Assert.That(names, Does.Not.Contain("lodedb_get"));
        (string refused, bool error) = await server.CallAsync("lodedb_add", new() { ["text"] = "new text" });
        Assert.That(error, Is.True);
        Assert.That(refused, Does.Contain("read-only"));
        (string found, bool searchError) = await server.CallAsync("lodedb_search", new() { ["query"] = "E1234", ["includeText"] = true });
        Assert.That(searchError, Is.False, found);
        Assert.That(Json(found).GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("error.txt"));
        Assert.That(found, Does.Not.Contain("payment"));
        Assert.That(CliRun.Of("stats", db, "--json").Out, Does.Contain("\"documents\":1"), "nothing was added");
    }

    [Test, Order(7)]
    public async Task A_collection_root_takes_a_space_argument_and_an_error_lists_the_spaces()
    {
        using var folder = new TempFolder();
        string root = folder.Combine("collection");
        using (var embedder = new LodeDb.Embeddings.Onnx.OnnxTextEmbedder(RepositoryPaths.TextBert, new LodeDb.Embeddings.Onnx.OnnxTextEmbedderOptions { ModelId = "text-bert" }))
        using (var collection = LodeCollection.Open(root))
        {
            LodeDatabase notes = collection.Space("notes", new LodeDbOptions { Embedder = embedder, ModelName = "text-bert" });
            notes.Add("The payment failed with error E1234 at the bank.", "error");
            notes.Add("My dog loves puppy food.", "dog");
        }

        new LodeDb.Cli.Commands.ModelSource(RepositoryPaths.TextBert, "text-bert").Write(Path.Combine(root, LodeCollection.SpacesFolderName, "notes"));
        await using McpServerProcess server = await McpServerProcess.StartAsync(root);

        (string missing, bool missingError) = await server.CallAsync("lodedb_search", new() { ["query"] = "E1234" });
        (string found, bool foundError) = await server.CallAsync("lodedb_search", new() { ["query"] = "E1234", ["space"] = "notes", ["k"] = 1 });
        (string stats, _) = await server.CallAsync("lodedb_stats", new());

        Assert.That(missingError, Is.True);
        Assert.That(missing, Does.Contain("name a space").And.Contain("notes"));
        Assert.That(foundError, Is.False, found);
        Assert.That(Json(found).GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("error"));
        Assert.That(Json(stats).GetProperty("spaces")[0].GetString(), Is.EqualTo("notes"));
    }

    [Test, Order(8)]
    public async Task A_remove_with_a_null_id_is_a_tool_error_that_removes_nothing()
    {
        (string text, bool error) = await _server.CallAsync("lodedb_remove", new() { ["ids"] = new[] { "car.txt", null } });

        Assert.That(error, Is.True, text);
        (string got, _) = await _server.CallAsync("lodedb_get", new() { ["ids"] = new[] { "car.txt" } });
        Assert.That(Json(got).GetProperty("documents")[0].GetProperty("found").GetBoolean(), Is.True, "car.txt is still there");
    }

    [Test, Order(9)]
    public async Task A_misspelt_argument_is_a_tool_error_not_ignored()
    {
        (string search, bool searchError) = await _server.CallAsync("lodedb_search", new() { ["query"] = "car", ["filtr"] = new Dictionary<string, object?> { ["extension"] = ".md" } });
        (string add, bool addError) = await _server.CallAsync("lodedb_add", new() { ["text"] = "A new note.", ["id"] = "note", ["metdata"] = new Dictionary<string, object?> { ["year"] = 2024 } });

        Assert.That(searchError, Is.True, search);
        Assert.That(search, Does.Contain("filtr"));
        Assert.That(addError, Is.True, add);
        (string got, _) = await _server.CallAsync("lodedb_get", new() { ["ids"] = new[] { "note" } });
        Assert.That(Json(got).GetProperty("documents")[0].GetProperty("found").GetBoolean(), Is.False, "nothing was added");
    }

    [TestCase("lodedb_search", "query")]
    [TestCase("lodedb_get", "ids")]
    [TestCase("lodedb_remove", "ids")]
    [Order(10)]
    public async Task A_missing_required_argument_is_a_tool_error_that_names_it(string tool, string argument)
    {
        (string text, bool error) = await _server.CallAsync(tool, new());

        Assert.That(error, Is.True, text);
        Assert.That(text, Does.Contain($"'{argument}'"));
    }
}
