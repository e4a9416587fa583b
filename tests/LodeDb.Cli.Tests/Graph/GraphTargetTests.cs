using System.Text.Json;

namespace LodeDb.Cli.Tests.Graph;

/// <summary>
/// Which graph <c>lodedb graph</c> opens: the graph of a vector-only database (caller vectors
/// through <c>--vector</c>, text modes refused), and the graph of one space of a collection root
/// (<c>--space</c> required, unknown spaces listed).
/// </summary>
public sealed class GraphTargetTests
{
    private static JsonElement Json(CliRun run)
    {
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        return JsonDocument.Parse(run.OutLines.Single()).RootElement.Clone();
    }

    [Test]
    public void A_vector_only_database_takes_caller_vectors_and_refuses_a_text_vector_search()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        LodeDatabase.Open(db, new LodeDbOptions { VectorDim = 4 }).Dispose();

        Json(CliRun.Of("graph", "add-node", db, "a", "Alpha", "--vector", "[1, 0, 0, 0]"));
        Json(CliRun.Of("graph", "add-node", db, "b", "Beta", "--vector", "[0, 1, 0, 0]"));
        Json(CliRun.Of("graph", "add-edge", db, "a", "links", "b", "--id", "ab"));
        CliRun noVector = CliRun.Of("graph", "add-node", db, "c", "Gamma", "--vector", "[1, 2]");
        CliRun badVector = CliRun.Of("graph", "add-node", db, "c", "Gamma", "--vector", "[\"x\"]");
        JsonElement found = Json(CliRun.Of("graph", "search", db, "--vector", "[0, 0.9, 0.1, 0]", "--k", "1", "--hops", "1"));
        CliRun byText = CliRun.Of("graph", "search", db, "beta");
        CliRun both = CliRun.Of("graph", "search", db, "beta", "--vector", "[0, 1, 0, 0]");

        Assert.That(noVector.ExitCode, Is.EqualTo(ExitCodes.Usage), "a vector of the wrong dimension is a usage error: " + noVector);
        Assert.That(noVector.ErrorLines.Single(), Does.Contain("dimension").IgnoreCase);
        Assert.That(badVector.ExitCode, Is.EqualTo(ExitCodes.Usage), badVector.ToString);
        Assert.That(found.GetProperty("seeds")[0].GetProperty("id").GetString(), Is.EqualTo("b"));
        Assert.That(found.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()), Is.EqualTo(new[] { "b", "a" }));
        Assert.That(byText.ExitCode, Is.EqualTo(ExitCodes.Failure), byText.ToString);
        Assert.That(byText.ErrorLines.Single(), Does.Contain("vector-only"));
        Assert.That(both.ExitCode, Is.EqualTo(ExitCodes.Usage), both.ToString);
        CliRun refused = CliRun.Of("graph", "get", db, "c");
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.NotFound), "the refused node was not stored");
    }

    [Test]
    public void A_collection_root_needs_a_space_and_each_space_has_its_own_graph()
    {
        using var folder = new TempFolder();
        string root = folder.Combine("collection");
        using (var collection = LodeCollection.Open(root))
        {
            collection.Space("notes", new LodeDbOptions { VectorDim = 4 });
            collection.Space("other", new LodeDbOptions { VectorDim = 4 });
        }

        JsonElement added = Json(CliRun.Of("graph", "add-node", root, "a", "Alpha", "--vector", "[1, 0, 0, 0]", "--space", "notes"));
        CliRun noSpace = CliRun.Of("graph", "get", root, "a");
        CliRun unknown = CliRun.Of("graph", "get", root, "a", "--space", "ghost");
        JsonElement got = Json(CliRun.Of("graph", "get", root, "a", "--space", "notes"));
        CliRun elsewhere = CliRun.Of("graph", "get", root, "a", "--space", "other");

        Assert.That(added.GetProperty("nodes").GetInt32(), Is.EqualTo(1));
        Assert.That(Directory.Exists(Path.Combine(root, LodeCollection.SpacesFolderName, "notes", "graph")), Is.True, "the space's graph is in the space's folder");
        Assert.That(noSpace.ExitCode, Is.EqualTo(ExitCodes.Usage), noSpace.ToString);
        Assert.That(noSpace.ErrorLines.Single(), Does.Contain("notes").And.Contain("other"));
        Assert.That(unknown.ExitCode, Is.EqualTo(ExitCodes.NotFound), unknown.ToString);
        Assert.That(got.GetProperty("nodes")[0].GetProperty("label").GetString(), Is.EqualTo("Alpha"));
        Assert.That(elsewhere.ExitCode, Is.EqualTo(ExitCodes.NotFound), "the other space has no graph");
    }
}
