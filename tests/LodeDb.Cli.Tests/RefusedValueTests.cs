using System.Text.Json;

namespace LodeDb.Cli.Tests;

/// <summary>
/// A value the library refuses (its <see cref="ArgumentException"/>: a reserved metadata key, a
/// vector of the wrong dimension, a label with no visible character) is a usage error, exit 2 as
/// docs/cli.md's table says, and stores nothing; damage and I/O errors keep exit 1.
/// </summary>
public sealed class RefusedValueTests
{
    private static void AssertRefused(CliRun run, string contains)
    {
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.StartWith("lodedb: error: ").And.Contain(contains).And.Not.Contain("(Parameter"), run.ToString);
        Assert.That(run.Out, Is.Empty, "nothing printed as if it was added");
    }

    [Test]
    public void Graph_values_the_library_refuses_exit_2_and_store_nothing()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        LodeDatabase.Open(db, new LodeDbOptions { VectorDim = 4 }).Dispose();
        Assert.That(CliRun.Of("graph", "add-node", db, "a", "Alpha", "--vector", "[1, 0, 0, 0]").ExitCode, Is.EqualTo(ExitCodes.Ok));

        AssertRefused(CliRun.Of("graph", "add-node", db, "b", "Beta", "--vector", "[0, 1, 0, 0]", "--properties", """{"$kind": "x"}"""), "$kind");
        AssertRefused(CliRun.Of("graph", "add-node", db, "b", "Beta", "--vector", "[0, 1, 0, 0]", "--properties", """{"n": 9223372036854775808}"""), "'n'");
        AssertRefused(CliRun.Of("graph", "add-node", db, "b", "Beta", "--vector", "[0, 1, 0]"), "3 dimensions");
        AssertRefused(CliRun.Of("graph", "add-node", db, "b", "\u200B\uFEFF", "--vector", "[0, 1, 0, 0]"), "empty label");
        AssertRefused(CliRun.Of("graph", "add-edge", db, "a", "\u00AD", "a"), "empty relation");
        AssertRefused(CliRun.Of("graph", "add-edge", db, "a", "self", "a", "--properties", """{"$w": 1}"""), "$w");

        Assert.That(CliRun.Of("graph", "get", db, "b").ExitCode, Is.EqualTo(ExitCodes.NotFound), "the refused node was not stored");
        CliRun list = CliRun.Of("graph", "list", db, "--edges");
        JsonElement counts = JsonDocument.Parse(list.Out).RootElement;
        Assert.That((counts.GetProperty("nodeCount").GetInt32(), counts.GetProperty("edgeCount").GetInt32()), Is.EqualTo((1, 0)), list.ToString());
    }

    [Test]
    public void An_import_refused_in_its_first_batch_exits_2_and_stores_nothing()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        LodeDatabase.Open(db, new LodeDbOptions { VectorDim = 4 }).Dispose();
        string file = folder.Write("export.jsonl", """
            {"id":"d0","metadata":{"n":0},"vectors":[[1,1,0,0]]}
            {"id":"d1","metadata":{"$n":1},"vectors":[[2,1,0,0]]}
            {"id":"d2","metadata":{"n":2},"vectors":[[3,1,0,0]]}
            """);

        AssertRefused(CliRun.Of("import", db, file, "--vectors-only"), "$n");
        AssertRefused(CliRun.Of("import", db, folder.Write("short.jsonl", """{"id":"d2","metadata":{},"vectors":[[3,1,0]]}"""), "--vectors-only"), "3 dimensions");

        Assert.That(CliRun.Of("stats", db, "--json").Out, Does.Contain("\"documents\":0"));
    }

    [Test]
    public void Damage_and_io_errors_keep_exit_1()
    {
        Assert.That(CliApp.Describe(new ArgumentException("refused", "value")).Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliApp.Describe(new ArgumentOutOfRangeException("k", "out of range")).Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliApp.Describe(new IllFormedStringException("text", 0, 1, '\uD800', "texts")).Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliApp.Describe(new CorruptDatabaseException("root", "bad checksum")).Code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(CliApp.Describe(new IOException("disk full")).Code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(CliApp.Describe(new InvalidDataException("damaged import file")).Code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(CliApp.Describe(new InvalidOperationException("vector-only")).Code, Is.EqualTo(ExitCodes.Failure));
    }
}
