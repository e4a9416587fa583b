using System.Text.Json.Nodes;
using Tomlyn;
using Tomlyn.Model;

namespace LodeDb.Cli.Tests.Mcp;

/// <summary><c>lodedb mcp install/uninstall</c> on temp config files (--config): JSON and Codex TOML.</summary>
public sealed class McpInstallTests
{
    private TempFolder _folder = null!;
    private string _db = null!;

    [SetUp]
    public void CreateDatabase()
    {
        _folder = new TempFolder();
        // A folder with an odd name: quotes and a backslash must survive TOML and JSON quoting.
        _db = _folder.Combine("my \"db\" \\ x");
        string doc = _folder.Write("docs/a.txt", "The car mechanic fixed the engine.");
        Assert.That(CliRun.Of("index", _db, doc, "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert").ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [TearDown]
    public void Cleanup() => _folder.Dispose();

    [Test]
    public void Json_install_creates_the_file_with_an_absolute_path()
    {
        string config = _folder.Combine("claude", "claude_desktop_config.json");
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), _db);

        CliRun run = CliRun.Of("mcp", "install", "claude", relative, "--config", config, "--read-only");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        JsonNode server = JsonNode.Parse(File.ReadAllText(config))!["mcpServers"]!["lodedb"]!;
        string[] args = [.. server["args"]!.AsArray().Select(a => a!.GetValue<string>())];
        Assert.That(args, Does.Contain(_db).And.Contain("--read-only").And.Contain("mcp"));
        Assert.That(File.Exists(server["command"]!.GetValue<string>()), Is.True);
        Assert.That(run.Out, Does.Contain("wrote server 'lodedb'"));
    }

    [Test]
    public void Json_install_updates_in_place_and_keeps_every_other_key_and_server()
    {
        string config = _folder.Write("cursor/mcp.json", """
            {
              "theme": "dark",
              "mcpServers": {
                "other": { "command": "other-server", "args": ["x"] },
                "lodedb": { "command": "old", "args": [], "env": { "KEEP": "1" } }
              },
              "last": [1, 2, 3]
            }
            """);

        CliRun run = CliRun.Of("mcp", "install", "cursor", _db, "--config", config);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        JsonObject root = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(root.Select(p => p.Key), Is.EqualTo(new[] { "theme", "mcpServers", "last" }));
            Assert.That(root["theme"]!.GetValue<string>(), Is.EqualTo("dark"));
            Assert.That(root["last"]!.ToJsonString(), Is.EqualTo("[1,2,3]"));
            Assert.That(root["mcpServers"]!["other"]!.ToJsonString(), Is.EqualTo("""{"command":"other-server","args":["x"]}"""));
            Assert.That(root["mcpServers"]!["lodedb"]!["env"]!["KEEP"]!.GetValue<string>(), Is.EqualTo("1"));
            Assert.That(root["mcpServers"]!["lodedb"]!["command"]!.GetValue<string>(), Is.Not.EqualTo("old"));
        });

        CliRun removed = CliRun.Of("mcp", "uninstall", "cursor", "--config", config);
        Assert.That(removed.ExitCode, Is.EqualTo(ExitCodes.Ok), removed.ToString);
        root = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        Assert.That(root["mcpServers"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "other" }));
        Assert.That(root["theme"]!.GetValue<string>(), Is.EqualTo("dark"));
    }

    [Test]
    public void Dry_run_writes_nothing()
    {
        string config = _folder.Combine("none", "mcp.json");
        string existing = _folder.Write("some/mcp.json", """{"mcpServers": {}}""");

        CliRun created = CliRun.Of("mcp", "install", "cursor", _db, "--config", config, "--dry-run");
        CliRun updated = CliRun.Of("mcp", "install", "cursor", _db, "--config", existing, "--dry-run");

        Assert.That(created.ExitCode, Is.EqualTo(ExitCodes.Ok), created.ToString);
        Assert.That(updated.ExitCode, Is.EqualTo(ExitCodes.Ok), updated.ToString);
        Assert.That(File.Exists(config), Is.False);
        Assert.That(Directory.Exists(Path.GetDirectoryName(config)), Is.False);
        Assert.That(File.ReadAllText(existing), Is.EqualTo("""{"mcpServers": {}}"""));
        Assert.That(created.Out, Does.Contain("would write").And.Contain("nothing was written"));
    }

    [TestCase("cursor", "{ \"mcpServers\": { ")]
    [TestCase("cursor", "{ \"mcpServers\": [] }")]
    [TestCase("codex", "[mcp_servers\nbroken = ")]
    public void A_malformed_config_is_a_clear_error_and_stays_untouched(string client, string text)
    {
        string config = _folder.Write("bad/config", text);

        CliRun run = CliRun.Of("mcp", "install", client, _db, "--config", config);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString);
        Assert.That(run.ErrorLines.Single(), Does.Contain(config).And.Contain("nothing was written"));
        Assert.That(File.ReadAllText(config), Is.EqualTo(text));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(config)!), Has.Length.EqualTo(1), "no temp file left");
    }

    [Test]
    public void Unknown_client_is_a_usage_error()
    {
        CliRun run = CliRun.Of("mcp", "install", "notepad", _db, "--config", _folder.Combine("x.json"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.Error, Does.Contain("notepad"));
        Assert.That(File.Exists(_folder.Combine("x.json")), Is.False);
    }

    [Test]
    public void Toml_install_quotes_paths_keeps_the_rest_byte_for_byte_and_uninstalls()
    {
        const string Before = """
            # Codex settings
            model = "o4-mini"

            [mcp_servers.other]
            command = "other"
            args = ["--flag"]

            """;
        const string After = """
            [profiles.fast]
            model = "gpt-5" # trailing comment

            """;
        string config = _folder.Write("codex/config.toml", Before + "[mcp_servers.lodedb]\ncommand = \"old\"\nargs = []\n\n[mcp_servers.lodedb.env]\nX = \"1\"\n\n" + After);

        CliRun run = CliRun.Of("mcp", "install", "codex", _db, "--config", config);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        string text = File.ReadAllText(config);
        Assert.That(text, Does.StartWith(Before).And.EndWith(After));
        TomlTable model = TomlSerializer.Deserialize<TomlTable>(text)!;
        var server = (TomlTable)((TomlTable)model["mcp_servers"])["lodedb"];
        Assert.That(((TomlArray)server["args"]).Cast<string>(), Does.Contain(_db));
        Assert.That(((TomlTable)model["mcp_servers"]).ContainsKey("other"), Is.True);

        CliRun removed = CliRun.Of("mcp", "uninstall", "codex", "--config", config);
        Assert.That(removed.ExitCode, Is.EqualTo(ExitCodes.Ok), removed.ToString);
        Assert.That(File.ReadAllText(config), Is.EqualTo(Before + After));
    }
}
