using System.CommandLine;
using System.Text.Json;
using LodeDb.Cli.Commands;

namespace LodeDb.Cli.Tests;

/// <summary>
/// <c>query --candidates N --first-pass codes|sign-sketch</c>: parsed into the re-score options,
/// honoured on a database with a re-score sidecar, refused (exit 2) on one without.
/// </summary>
public sealed class QueryRescoreOptionsTests
{
    private TempFolder _folder = null!;
    private string _plainDb = null!;
    private string _sidecarDb = null!;

    private static string[] Model => ["--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"];

    [OneTimeSetUp]
    public void IndexFiles()
    {
        _folder = new TempFolder();
        string[] texts =
        [
            "The car mechanic fixed the engine.", "My dog loves puppy food.", "The physician works at the hospital.",
            "A recipe for tomato soup with basil.", "The train to the city leaves at noon.", "Stars and planets in the night sky.",
        ];
        for (int i = 0; i < texts.Length; i++)
        {
            _folder.Write($"docs/{i}.txt", texts[i]);
        }

        _plainDb = _folder.Combine("plain");
        _sidecarDb = _folder.Combine("sidecar");
        Assert.That(CliRun.Of(["index", _plainDb, _folder.Combine("docs"), .. Model]).ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(CliRun.Of(["index", _sidecarDb, _folder.Combine("docs"), "--rescore", "int8", .. Model]).ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    private static CliRun Query(string db, params string[] args) => CliRun.Of(["query", db, "car repair", "--json", "--k", "6", .. args, .. Model]);

    private static (string Id, double Score)[] Hits(CliRun run)
    {
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        return [.. run.OutLines.Select(line => JsonDocument.Parse(line).RootElement).Select(h => (h.GetProperty("id").GetString()!, h.GetProperty("score").GetDouble()))];
    }

    [Test]
    public void The_options_reach_the_database_options()
    {
        var rescore = new RescoreOptions();
        var command = new Command("query");
        rescore.AddTo(command);

        LodeDbOptions given = rescore.Apply(command.Parse(["--candidates", "7", "--first-pass", "sign-sketch"]))(new LodeDbOptions());
        LodeDbOptions defaults = rescore.Apply(command.Parse([]))(new LodeDbOptions());

        Assert.Multiple(() =>
        {
            Assert.That(given.RescoreCandidates, Is.EqualTo(7));
            Assert.That(given.RescoreFirstPass, Is.EqualTo(RescoreFirstPass.SignSketch));
            Assert.That(defaults.RescoreCandidates, Is.EqualTo(LodeDatabase.DefaultRescoreCandidates));
            Assert.That(defaults.RescoreFirstPass, Is.EqualTo(RescoreFirstPass.Codes));
        });
    }

    [Test]
    public void With_every_row_a_candidate_both_first_passes_give_the_default_results()
    {
        (string Id, double Score)[] baseline = Hits(Query(_sidecarDb));

        Assert.That(baseline, Has.Length.EqualTo(6));
        Assert.That(Hits(Query(_sidecarDb, "--candidates", "6")), Is.EqualTo(baseline));
        Assert.That(Hits(Query(_sidecarDb, "--candidates", "6", "--first-pass", "sign-sketch")), Is.EqualTo(baseline));
    }

    [TestCase("--candidates", "50")]
    [TestCase("--first-pass", "codes")]
    public void Without_a_sidecar_either_option_is_a_usage_error(string option, string value)
    {
        CliRun run = Query(_plainDb, option, value);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.Error, Does.Contain($"{option} applies to a database with a re-score sidecar"));
    }

    [Test]
    public void The_sign_sketch_without_a_sidecar_is_refused_by_the_database()
    {
        CliRun run = Query(_plainDb, "--first-pass", "sign-sketch");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.Error, Does.Contain("sidecar"));
    }

    [TestCase("--candidates", "0", "--candidates must be at least 1")]
    [TestCase("--candidates", "100001", "--candidates must be at most 100000")]
    [TestCase("--first-pass", "bits", "bits")]
    public void Out_of_range_values_are_parse_errors(string option, string value, string message)
    {
        CliRun run = Query(_sidecarDb, option, value);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.Error, Does.Contain(message));
    }
}
