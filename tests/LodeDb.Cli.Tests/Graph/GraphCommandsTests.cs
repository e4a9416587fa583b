using System.Text.Json;

namespace LodeDb.Cli.Tests.Graph;

/// <summary>
/// <c>lodedb graph</c> end to end through the parser: a company/people/products graph added node
/// by node and edge by edge into a database indexed with the text-bert fixture (the graph embeds
/// with the model the database remembers), then get, neighbors, khop, hybrid subgraph search on a
/// product code, removal with its cascade, and the errors with their exit codes. The tests run in
/// order on one graph; the last ones change it.
/// </summary>
[NonParallelizable]
public sealed class GraphCommandsTests
{
    private TempFolder _folder = null!;
    private string _db = null!;

    [OneTimeSetUp]
    public void BuildGraph()
    {
        _folder = new TempFolder();
        _db = _folder.Combine("db");
        _folder.Write("docs/readme.txt", "Notes about our customers and suppliers.");
        Ok(CliRun.Of("index", _db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"));
        Ok(CliRun.Of("graph", "add-node", _db, "alice", "Alice", "--type", "person", "--text", "Alice is a staff engineer who builds database engines.", "--properties", """{"since": 2019, "tags": ["db", "c"]}"""));
        Ok(CliRun.Of("graph", "add-node", _db, "bob", "Bob", "--type", "person", "--text", "Bob runs the sales team and negotiates contracts."));
        Ok(CliRun.Of("graph", "add-node", _db, "acme", "Acme Corporation", "--type", "company", "--text", "Acme makes industrial robots and conveyor belts."));
        Ok(CliRun.Of("graph", "add-node", _db, "globex", "Globex", "--type", "company", "--text", "Globex sells pizza ovens and kitchen equipment."));
        Ok(CliRun.Of("graph", "add-node", _db, "xq-7731", "Robot arm XQ-7731", "--type", "product", "--text", "A six-axis welding robot arm."));
        Ok(CliRun.Of("graph", "add-node", _db, "oven", "Stone oven", "--type", "product", "--text", "A wood-fired oven for pizza restaurants."));
        Ok(CliRun.Of("graph", "add-edge", _db, "alice", "works_at", "acme", "--id", "e1", "--fact", "Alice has worked at Acme since 2019.", "--properties", """{"role": "engineer"}"""));
        Ok(CliRun.Of("graph", "add-edge", _db, "bob", "works_at", "globex", "--id", "e2"));
        Ok(CliRun.Of("graph", "add-edge", _db, "acme", "makes", "xq-7731", "--id", "e3"));
        Ok(CliRun.Of("graph", "add-edge", _db, "globex", "makes", "oven", "--id", "e4"));
        Ok(CliRun.Of("graph", "add-edge", _db, "alice", "knows", "bob", "--id", "e5"));
        Ok(CliRun.Of("graph", "add-edge", _db, "bob", "buys_from", "acme", "--id", "e6"));
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    private static CliRun Ok(CliRun run)
    {
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        return run;
    }

    private static JsonElement Json(CliRun run) => JsonDocument.Parse(run.OutLines.Single()).RootElement.Clone();

    private static string[] Ids(JsonElement array, string property = "id") => [.. array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!)];

    [Test, Order(1)]
    public void Add_prints_the_id_and_counts_and_get_reads_back_typed_properties_and_text()
    {
        JsonElement added = Json(Ok(CliRun.Of("graph", "add-edge", _db, "alice", "knows", "acme")));
        JsonElement got = Json(Ok(CliRun.Of("graph", "get", _db, "alice")));
        JsonElement edge = Json(Ok(CliRun.Of("graph", "get", _db, "e1", "--edges")));

        Assert.That(added.GetProperty("id").GetString(), Is.Not.Empty, "a generated edge id");
        Assert.That(added.GetProperty("nodes").GetInt32(), Is.EqualTo(6));
        Assert.That(added.GetProperty("edges").GetInt32(), Is.EqualTo(7));
        JsonElement alice = got.GetProperty("nodes")[0];
        Assert.That(alice.GetProperty("label").GetString(), Is.EqualTo("Alice"));
        Assert.That(alice.GetProperty("type").GetString(), Is.EqualTo("person"));
        Assert.That(alice.GetProperty("text").GetString(), Is.EqualTo("Alice is a staff engineer who builds database engines."));
        Assert.That(alice.GetProperty("properties").GetProperty("since").GetRawText(), Is.EqualTo("2019"), "an integer stays an integer");
        Assert.That(Ids(edge.GetProperty("edges")), Is.EqualTo(new[] { "e1" }));
        Assert.That(edge.GetProperty("edges")[0].GetProperty("fact").GetString(), Is.EqualTo("Alice has worked at Acme since 2019."));
        Assert.That(edge.GetProperty("edges")[0].GetProperty("properties").GetProperty("role").GetString(), Is.EqualTo("engineer"));
        Assert.That(Ok(CliRun.Of("graph", "remove", _db, added.GetProperty("id").GetString()!, "--edges")).Out, Does.Contain("\"edges\":6"));
    }

    [Test, Order(1)]
    public void List_pages_nodes_by_type_and_edges_by_relation_in_insertion_order()
    {
        JsonElement people = Json(Ok(CliRun.Of("graph", "list", _db, "--type", "person")));
        JsonElement page = Json(Ok(CliRun.Of("graph", "list", _db, "--skip", "2", "--limit", "2")));
        JsonElement works = Json(Ok(CliRun.Of("graph", "list", _db, "--edges", "--relation", "works_at")));
        CliRun mixed = CliRun.Of("graph", "list", _db, "--type", "person", "--edges");

        Assert.That(Ids(people.GetProperty("nodes")), Is.EqualTo(new[] { "alice", "bob" }));
        Assert.That(Ids(page.GetProperty("nodes")), Is.EqualTo(new[] { "acme", "globex" }));
        Assert.That(page.GetProperty("nodeCount").GetInt32(), Is.EqualTo(6));
        Assert.That(Ids(works.GetProperty("edges")), Is.EqualTo(new[] { "e1", "e2" }));
        Assert.That(mixed.ExitCode, Is.EqualTo(ExitCodes.Usage), mixed.ToString);
    }

    [Test, Order(2)]
    public void Neighbors_follow_direction_and_relation_in_insertion_order()
    {
        JsonElement both = Json(Ok(CliRun.Of("graph", "neighbors", _db, "bob")));
        JsonElement outgoing = Json(Ok(CliRun.Of("graph", "neighbors", _db, "bob", "--direction", "out", "--relation", "works_at")));

        JsonElement[] all = [.. both.GetProperty("neighbors").EnumerateArray()];
        Assert.That(all.Select(n => n.GetProperty("edge").GetProperty("id").GetString()), Is.EqualTo(new[] { "e2", "e5", "e6" }));
        Assert.That(all.Select(n => n.GetProperty("direction").GetString()), Is.EqualTo(new[] { "out", "in", "out" }));
        Assert.That(all.Select(n => n.GetProperty("node").GetProperty("id").GetString()), Is.EqualTo(new[] { "globex", "alice", "acme" }));
        Assert.That(outgoing.GetProperty("neighbors").GetArrayLength(), Is.EqualTo(1));
        Assert.That(outgoing.GetProperty("neighbors")[0].GetProperty("node").GetProperty("id").GetString(), Is.EqualTo("globex"));
    }

    [Test, Order(3)]
    public void Khop_expands_breadth_first_with_distances_and_reports_truncation()
    {
        JsonElement two = Json(Ok(CliRun.Of("graph", "khop", _db, "alice", "--k", "2")));
        JsonElement cut = Json(Ok(CliRun.Of("graph", "khop", _db, "alice", "--k", "2", "--max-nodes", "2")));
        JsonElement works = Json(Ok(CliRun.Of("graph", "khop", _db, "alice", "ghost", "--k", "3", "--relation", "works_at", "--relation", "makes", "--direction", "out")));

        Assert.That(Ids(two.GetProperty("nodes")), Is.EqualTo(new[] { "alice", "acme", "bob", "xq-7731", "globex" }));
        Assert.That(two.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("distance").GetInt32()), Is.EqualTo(new[] { 0, 1, 1, 2, 2 }));
        Assert.That(two.GetProperty("truncated").GetBoolean(), Is.False);
        Assert.That(Ids(cut.GetProperty("nodes")), Is.EqualTo(new[] { "alice", "acme" }));
        Assert.That(cut.GetProperty("truncated").GetBoolean(), Is.True);
        Assert.That(Ids(works.GetProperty("nodes")), Is.EqualTo(new[] { "alice", "acme", "xq-7731" }), "unknown seeds are skipped");
        Assert.That(Ids(works.GetProperty("edges")), Is.EqualTo(new[] { "e1", "e3" }));
    }

    [Test, Order(4)]
    public void Hybrid_subgraph_search_seeds_on_a_product_code_and_expands_to_its_maker()
    {
        JsonElement found = Json(Ok(CliRun.Of("graph", "search", _db, "XQ-7731", "--mode", "hybrid", "--k", "1", "--hops", "1")));
        JsonElement lexical = Json(Ok(CliRun.Of("graph", "search", _db, "pizza", "--mode", "lexical", "--k", "1", "--hops", "0")));

        Assert.That(found.GetProperty("mode").GetString(), Is.EqualTo("hybrid"));
        Assert.That(Ids(found.GetProperty("seeds")), Is.EqualTo(new[] { "xq-7731" }));
        Assert.That(found.GetProperty("seeds")[0].GetProperty("score").GetDouble(), Is.GreaterThan(0));
        Assert.That(Ids(found.GetProperty("nodes")), Is.EqualTo(new[] { "xq-7731", "acme" }));
        Assert.That(found.GetProperty("nodes")[0].TryGetProperty("score", out _), Is.True, "a seed carries its score");
        Assert.That(Ids(found.GetProperty("edges")), Is.EqualTo(new[] { "e3" }));
        Assert.That(Ids(lexical.GetProperty("nodes")), Is.EqualTo(new[] { "globex" }).Or.EqualTo(new[] { "oven" }));
    }

    [Test, Order(5)]
    public void Errors_have_the_cli_exit_codes_and_store_nothing()
    {
        CliRun endpoint = CliRun.Of("graph", "add-edge", _db, "alice", "knows", "nobody");
        CliRun badJson = CliRun.Of("graph", "add-node", _db, "x", "X", "--properties", "{not json");
        CliRun blankLabel = CliRun.Of("graph", "add-node", _db, "x", " ");
        CliRun unknown = CliRun.Of("graph", "neighbors", _db, "ghost");
        CliRun missing = CliRun.Of("graph", "get", _db, "alice", "ghost");
        CliRun space = CliRun.Of("graph", "get", _db, "alice", "--space", "notes");
        CliRun noDb = CliRun.Of("graph", "neighbors", _folder.Combine("nowhere"), "alice");
        CliRun noSeed = CliRun.Of("graph", "khop", _db, "ghost");
        CliRun direction = CliRun.Of("graph", "neighbors", _db, "alice", "--direction", "up");

        Assert.That(endpoint.ExitCode, Is.EqualTo(ExitCodes.NotFound), endpoint.ToString);
        Assert.That(endpoint.ErrorLines.Single(), Does.StartWith("lodedb: error: ").And.Contain("'nobody'").And.Contain("Nothing was stored"));
        Assert.That(badJson.ExitCode, Is.EqualTo(ExitCodes.Usage), badJson.ToString);
        Assert.That(badJson.ErrorLines.Single(), Does.Contain("--properties is not valid JSON"));
        Assert.That(blankLabel.ExitCode, Is.EqualTo(ExitCodes.Usage), "a value the library refuses is a usage error: " + blankLabel);
        Assert.That(blankLabel.ErrorLines.Single(), Does.Contain("empty label").And.Not.Contain("(Parameter"));
        Assert.That(unknown.ExitCode, Is.EqualTo(ExitCodes.NotFound), unknown.ToString);
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.NotFound), missing.ToString);
        Assert.That(Ids(Json(missing).GetProperty("nodes")), Is.EqualTo(new[] { "alice" }), "the found node is still printed");
        Assert.That(space.ExitCode, Is.EqualTo(ExitCodes.Usage), space.ToString);
        Assert.That(noDb.ExitCode, Is.EqualTo(ExitCodes.NotFound), noDb.ToString);
        Assert.That(noSeed.ExitCode, Is.EqualTo(ExitCodes.NotFound), noSeed.ToString);
        Assert.That(direction.ExitCode, Is.EqualTo(ExitCodes.Usage), direction.ToString);
        JsonElement counts = Json(Ok(CliRun.Of("graph", "get", _db, "alice")));
        Assert.That(CliRun.Of("graph", "get", _db, "x").ExitCode, Is.EqualTo(ExitCodes.NotFound), "the refused node was not stored");
        Assert.That(counts.GetProperty("notFound").GetArrayLength(), Is.Zero);
    }

    [Test, Order(6)]
    public void A_database_without_a_graph_says_so_on_a_read_and_a_read_creates_no_graph_folder()
    {
        string db = _folder.Combine("plain");
        Ok(CliRun.Of("index", db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"));

        CliRun read = CliRun.Of("graph", "neighbors", db, "alice");
        CliRun search = CliRun.Of("graph", "search", db, "robot");

        Assert.That(read.ExitCode, Is.EqualTo(ExitCodes.NotFound), read.ToString);
        Assert.That(read.ErrorLines.Single(), Does.Contain("has no graph yet").And.Contain("lodedb graph add-node"));
        Assert.That(search.ExitCode, Is.EqualTo(ExitCodes.NotFound), search.ToString);
        Assert.That(Directory.Exists(Path.Combine(db, "graph")), Is.False);
    }

    [Test, Order(7)]
    public void Removing_a_node_cascades_its_edges_and_survives_a_reopen()
    {
        JsonElement removed = Json(Ok(CliRun.Of("graph", "remove", _db, "acme", "ghost")));
        JsonElement after = Json(Ok(CliRun.Of("graph", "neighbors", _db, "alice")));
        CliRun edge = CliRun.Of("graph", "get", _db, "e3", "--edges");
        JsonElement search = Json(Ok(CliRun.Of("graph", "search", _db, "XQ-7731", "--mode", "hybrid", "--k", "1")));

        Assert.That(removed.GetProperty("removed").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "acme" }));
        Assert.That(removed.GetProperty("notFound")[0].GetString(), Is.EqualTo("ghost"));
        Assert.That(removed.GetProperty("edgesRemoved").GetInt32(), Is.EqualTo(3), "e1, e3 and e6 joined acme");
        Assert.That(removed.GetProperty("nodes").GetInt32(), Is.EqualTo(5));
        Assert.That(after.GetProperty("neighbors").EnumerateArray().Select(n => n.GetProperty("edge").GetProperty("id").GetString()), Is.EqualTo(new[] { "e5" }));
        Assert.That(edge.ExitCode, Is.EqualTo(ExitCodes.NotFound), edge.ToString);
        Assert.That(Ids(search.GetProperty("nodes")), Is.EqualTo(new[] { "xq-7731" }), "the product lost its maker");
    }
}
