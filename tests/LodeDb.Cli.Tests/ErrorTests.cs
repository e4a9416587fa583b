
namespace LodeDb.Cli.Tests;

/// <summary>Exit codes and the one-line error messages: usage errors 2, missing database or model 3, never a stack trace.</summary>
public sealed class ErrorTests
{
    private static void AssertOneErrorLine(CliRun run, int exitCode, string contains)
    {
        Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.ToString);
        Assert.That(run.Error, Does.Not.Contain("   at "), "a stack trace was printed");
        Assert.That(run.ErrorLines.Where(l => l.StartsWith("lodedb: error: ", StringComparison.Ordinal)).ToArray(), Has.Length.GreaterThanOrEqualTo(1), run.ToString);
        Assert.That(run.Error, Does.Contain(contains));
    }

    [TestCase(new[] { "frobnicate" }, "frobnicate")]
    [TestCase(new string[0], "Required command was not provided")]
    [TestCase(new[] { "query" }, "Required argument 'db' missing")]
    [TestCase(new[] { "query", "db", "text", "--mode", "fuzzy" }, "fuzzy")]
    [TestCase(new[] { "query", "db", "text", "--k", "0" }, "--k must be at least 1")]
    [TestCase(new[] { "bench", "--bits", "3" }, "--bits must be 2 or 4")]
    [TestCase(new[] { "index", "db" }, "Required argument 'path' missing")]
    [TestCase(new[] { "index", "db", "a.txt", "--metadata", "path=/elsewhere" }, "'path' is set by lodedb index")]
    [TestCase(new[] { "index", "db", "a.txt", "--metadata", "novalue" }, "--metadata 'novalue' is not key=value")]
    [TestCase(new[] { "models", "pull", "gpt" }, "'gpt' is not a preset")]
    [TestCase(new[] { "models", "pull", "bge", "--endpoint", "ftp://mirror" }, "not an absolute http(s) address")]
    public void Usage_errors_exit_2(string[] args, string contains)
    {
        CliRun run = CliRun.Of(args);

        AssertOneErrorLine(run, ExitCodes.Usage, contains);
    }

    [Test]
    public void Creating_a_database_needs_a_model_choice()
    {
        using var folder = new TempFolder();
        string file = folder.Write("a.txt", "hello");

        AssertOneErrorLine(CliRun.Of("index", folder.Combine("db"), file), ExitCodes.Usage, "--model minilm|bge|clip, or --onnx-model FOLDER --model-name NAME");
        AssertOneErrorLine(CliRun.Of("index", folder.Combine("db"), file, "--onnx-model", RepositoryPaths.TextBert), ExitCodes.Usage, "--onnx-model needs --model-name");
        AssertOneErrorLine(CliRun.Of("index", folder.Combine("db"), file, "--model", "bge", "--onnx-model", RepositoryPaths.TextBert, "--model-name", "x"), ExitCodes.Usage, "give one of them");
        AssertOneErrorLine(CliRun.Of("index", folder.Combine("db"), folder.Combine("nothing-here"), "--model", "bge"), ExitCodes.Usage, "is neither a file nor a folder");
        Assert.That(Directory.Exists(folder.Combine("db")), Is.False, "a failed command created the database folder");
    }

    [Test]
    public void An_invalid_filter_is_a_usage_error()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        Assert.That(CliRun.Of("index", db, folder.Write("a.txt", "car"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "m").ExitCode, Is.EqualTo(ExitCodes.Ok));

        CliRun run = CliRun.Of("query", db, "car", "--filter", """{"year": {"$near": 3}}""", "--onnx-model", RepositoryPaths.TextBert, "--model-name", "m");

        AssertOneErrorLine(run, ExitCodes.Usage, "lodedb: error: invalid --filter: ");
        Assert.That(run.Error, Does.Not.Contain("(Parameter"));
    }

    [TestCase("query")]
    [TestCase("stats")]
    public void A_missing_database_exits_3_with_its_path(string command)
    {
        using var folder = new TempFolder();
        string missing = folder.Combine("no-db-here");
        string[] args = command == "query" ? ["query", missing, "anything"] : ["stats", missing];

        CliRun run = CliRun.Of(args);

        AssertOneErrorLine(run, ExitCodes.NotFound, $"lodedb: error: no LodeDb database at '{missing}'");
        Assert.That(run.Error, Does.Contain($"lodedb index {missing} <files> --model minilm"));
        Assert.That(Directory.Exists(missing), Is.False);
    }

    [Test]
    public void A_missing_preset_model_exits_3_with_the_pull_command()
    {
        using var folder = new TempFolder();
        string file = folder.Write("a.txt", "hello");

        CliRun run = CliRun.Of("index", folder.Combine("db"), file, "--model", "minilm", "--models-dir", folder.Combine("models"));

        AssertOneErrorLine(run, ExitCodes.NotFound, "lodedb models pull minilm");
        Assert.That(Directory.Exists(folder.Combine("db")), Is.False);
    }

    [Test]
    public void A_missing_custom_model_folder_exits_3()
    {
        using var folder = new TempFolder();

        CliRun run = CliRun.Of("index", folder.Combine("db"), folder.Write("a.txt", "hello"), "--onnx-model", folder.Combine("no-model"), "--model-name", "m");

        AssertOneErrorLine(run, ExitCodes.NotFound, "does not exist");
    }

    [Test]
    public void Help_lists_the_commands_and_ends_with_the_exit_codes()
    {
        CliRun run = CliRun.Of("--help");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        Assert.Multiple(() =>
        {
            foreach (string command in new[] { "doctor", "models", "index", "query", "get", "list", "remove", "stats", "verify", "repair", "export", "import", "mcp", "serve", "graph", "bench" })
            {
                Assert.That(run.OutLines, Has.Some.StartsWith(command + " "), command);
            }

            Assert.That(run.Out, Does.Contain("Exit codes:").And.Contain("3  database or model not found"));
        });
        Assert.That(CliRun.Of("query", "--help").Out, Does.Contain("--filter").And.Contain("Exit codes:"));
    }

    [TestCase("doctor")]
    [TestCase("models", "list")]
    [TestCase("index", "db", "file")]
    [TestCase("query", "db", "text")]
    [TestCase("get", "db", "id")]
    [TestCase("list", "db")]
    [TestCase("remove", "db", "id")]
    [TestCase("stats", "db")]
    [TestCase("verify", "db")]
    [TestCase("repair", "db")]
    [TestCase("export", "db", "f.jsonl")]
    [TestCase("import", "db", "f.jsonl")]
    [TestCase("mcp", "db")]
    [TestCase("mcp", "install", "codex", "db")]
    [TestCase("mcp", "uninstall", "codex")]
    [TestCase("serve", "db")]
    [TestCase("graph", "add-node", "db", "id", "label")]
    [TestCase("graph", "add-edge", "db", "a", "knows", "b")]
    [TestCase("graph", "remove", "db", "id")]
    [TestCase("graph", "get", "db", "id")]
    [TestCase("graph", "list", "db")]
    [TestCase("graph", "neighbors", "db", "id")]
    [TestCase("graph", "khop", "db", "id")]
    [TestCase("graph", "search", "db", "text")]
    [TestCase("bench")]
    public void An_unknown_option_on_every_command_exits_2_with_one_error_and_the_help_hint(params string[] command)
    {
        CliRun run = CliRun.Of([.. command, "--no-such-option"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.ErrorLines[0], Does.StartWith("lodedb: error: ").And.Contain("--no-such-option"));
        Assert.That(run.ErrorLines[^1], Does.StartWith("Run 'lodedb").And.EndWith("--help' for usage."));
        Assert.That(run.Out, Is.Empty);
    }
}
