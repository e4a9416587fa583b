using System.Text.Json;

namespace LodeDb.Cli.Tests.Mcp;

/// <summary>
/// <c>lodedb_graph_search</c> and <c>lodedb_graph_neighbors</c> as an assistant sees them: a
/// company graph built with <c>lodedb graph</c> in a database indexed with the text-bert fixture,
/// served by one <c>lodedb mcp</c> child process.
/// </summary>
[NonParallelizable]
public sealed class McpGraphToolsTests
{
    private TempFolder _folder = null!;
    private string _db = null!;
    private McpServerProcess _server = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _folder = new TempFolder();
        _db = _folder.Combine("db");
        _folder.Write("docs/readme.txt", "Notes about our customers and suppliers.");
        Ok(CliRun.Of("index", _db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"));
        Ok(CliRun.Of("graph", "add-node", _db, "alice", "Alice", "--type", "person", "--text", "Alice is a staff engineer who builds database engines."));
        Ok(CliRun.Of("graph", "add-node", _db, "bob", "Bob", "--type", "person"));
        Ok(CliRun.Of("graph", "add-node", _db, "acme", "Acme Corporation", "--type", "company", "--text", "Acme makes industrial robots."));
        Ok(CliRun.Of("graph", "add-node", _db, "xq-7731", "Robot arm XQ-7731", "--type", "product", "--text", "A six-axis welding robot arm."));
        Ok(CliRun.Of("graph", "add-edge", _db, "alice", "works_at", "acme", "--id", "e1", "--fact", "Alice has worked at Acme since 2019."));
        Ok(CliRun.Of("graph", "add-edge", _db, "acme", "makes", "xq-7731", "--id", "e3"));
        Ok(CliRun.Of("graph", "add-edge", _db, "alice", "knows", "bob", "--id", "e5"));
        Ok(CliRun.Of("graph", "add-edge", _db, "bob", "buys_from", "acme", "--id", "e6"));
        _server = await McpServerProcess.StartAsync(_db);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private static void Ok(CliRun run) => Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static string[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];

    [Test, Order(1)]
    public async Task Graph_search_defaults_to_hybrid_and_seeds_on_a_product_code_then_expands()
    {
        (string text, bool error) = await _server.CallAsync("lodedb_graph_search", new() { ["query"] = "XQ-7731", ["k"] = 1, ["hops"] = 1 });

        Assert.That(error, Is.False, text);
        JsonElement answer = Json(text);
        Assert.That(answer.GetProperty("mode").GetString(), Is.EqualTo("hybrid"));
        Assert.That(Ids(answer.GetProperty("seeds")), Is.EqualTo(new[] { "xq-7731" }));
        Assert.That(answer.GetProperty("seeds")[0].GetProperty("score").GetDouble(), Is.GreaterThan(0));
        Assert.That(Ids(answer.GetProperty("nodes")), Is.EqualTo(new[] { "xq-7731", "acme" }));
        Assert.That(answer.GetProperty("nodes")[1].GetProperty("distance").GetInt32(), Is.EqualTo(1));
        Assert.That(Ids(answer.GetProperty("edges")), Is.EqualTo(new[] { "e3" }));
        Assert.That(answer.GetProperty("truncated").GetBoolean(), Is.False);
    }

    [Test, Order(2)]
    public async Task Graph_search_two_hops_returns_facts_and_reports_truncation_at_max_nodes()
    {
        (string text, bool error) = await _server.CallAsync("lodedb_graph_search", new() { ["query"] = "XQ-7731", ["k"] = 1, ["hops"] = 2, ["mode"] = "lexical" });
        (string cut, _) = await _server.CallAsync("lodedb_graph_search", new() { ["query"] = "XQ-7731", ["k"] = 1, ["hops"] = 2, ["maxNodes"] = 2 });

        Assert.That(error, Is.False, text);
        JsonElement answer = Json(text);
        Assert.That(answer.GetProperty("mode").GetString(), Is.EqualTo("lexical"));
        Assert.That(Ids(answer.GetProperty("nodes")), Is.EqualTo(new[] { "xq-7731", "acme", "alice", "bob" }));
        JsonElement works = answer.GetProperty("edges").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "e1");
        Assert.That(works.GetProperty("fact").GetString(), Is.EqualTo("Alice has worked at Acme since 2019."));
        Assert.That(Json(cut).GetProperty("truncated").GetBoolean(), Is.True);
        Assert.That(Json(cut).GetProperty("nodes").GetArrayLength(), Is.EqualTo(2));
    }

    [Test, Order(3)]
    public async Task Graph_neighbors_follow_direction_and_relations_in_insertion_order()
    {
        (string text, bool error) = await _server.CallAsync("lodedb_graph_neighbors", new() { ["id"] = "bob" });
        (string outgoing, _) = await _server.CallAsync("lodedb_graph_neighbors", new() { ["id"] = "alice", ["direction"] = "out", ["relations"] = new[] { "knows" } });

        Assert.That(error, Is.False, text);
        JsonElement[] all = [.. Json(text).GetProperty("neighbors").EnumerateArray()];
        Assert.That(all.Select(n => n.GetProperty("edge").GetProperty("id").GetString()), Is.EqualTo(new[] { "e5", "e6" }));
        Assert.That(all.Select(n => n.GetProperty("direction").GetString()), Is.EqualTo(new[] { "in", "out" }));
        Assert.That(all.Select(n => n.GetProperty("node").GetProperty("id").GetString()), Is.EqualTo(new[] { "alice", "acme" }));
        JsonElement[] knows = [.. Json(outgoing).GetProperty("neighbors").EnumerateArray()];
        Assert.That(knows.Select(n => n.GetProperty("node").GetProperty("id").GetString()), Is.EqualTo(new[] { "bob" }));
    }

    [Test, Order(4)]
    public async Task Bad_calls_are_one_line_tool_errors_and_the_server_keeps_serving()
    {
        (string unknown, bool unknownError) = await _server.CallAsync("lodedb_graph_neighbors", new() { ["id"] = "ghost" });
        (string badK, bool badKError) = await _server.CallAsync("lodedb_graph_search", new() { ["query"] = "robot", ["k"] = 0 });
        (string badMode, bool badModeError) = await _server.CallAsync("lodedb_graph_search", new() { ["query"] = "robot", ["mode"] = "fuzzy" });
        (string badDirection, bool badDirectionError) = await _server.CallAsync("lodedb_graph_neighbors", new() { ["id"] = "bob", ["direction"] = "up" });
        (string again, bool againError) = await _server.CallAsync("lodedb_graph_neighbors", new() { ["id"] = "acme" });

        Assert.That(unknownError, Is.True);
        Assert.That(unknown, Does.Contain("'ghost'").And.Not.Contain("\n"));
        Assert.That(badKError, Is.True);
        Assert.That(badK, Does.Contain("k must be between 1"));
        Assert.That(badModeError, Is.True);
        Assert.That(badMode, Does.Contain("'fuzzy'"));
        Assert.That(badDirectionError, Is.True);
        Assert.That(badDirection, Does.Contain("'up'"));
        Assert.That(againError, Is.False, again);
        Assert.That(Json(again).GetProperty("neighbors").GetArrayLength(), Is.EqualTo(3));
    }

    [Test, Order(5)]
    public async Task A_read_only_server_redacts_text_and_a_database_without_a_graph_answers_an_error_and_creates_none()
    {
        await using (McpServerProcess redacting = await McpServerProcess.StartAsync(_db, "--read-only", "--exclude-text"))
        {
            (string text, bool error) = await redacting.CallAsync("lodedb_graph_search", new() { ["query"] = "XQ-7731", ["k"] = 1, ["hops"] = 2 });
            Assert.That(error, Is.False, text);
            Assert.That(Ids(Json(text).GetProperty("nodes")), Does.Contain("alice"));
            Assert.That(text, Does.Not.Contain("staff engineer").And.Not.Contain("since 2019"), "no node text, no fact");
        }

        string plain = _folder.Combine("plain");
        Ok(CliRun.Of("index", plain, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"));
        await using McpServerProcess server = await McpServerProcess.StartAsync(plain);
        (string missing, bool missingError) = await server.CallAsync("lodedb_graph_neighbors", new() { ["id"] = "alice" });

        Assert.That(missingError, Is.True);
        Assert.That(missing, Does.Contain("has no graph yet"));
        Assert.That(Directory.Exists(Path.Combine(plain, "graph")), Is.False);
    }
}
