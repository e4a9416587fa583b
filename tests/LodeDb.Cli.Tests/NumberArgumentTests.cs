
namespace LodeDb.Cli.Tests;

/// <summary>
/// Integer options given a non-number or an out-of-range number: a usage error (exit 2, one
/// line), never an exception escaping the parser (it used to end in a stack trace and exit 134).
/// </summary>
public sealed class NumberArgumentTests
{
    [TestCase(new[] { "query", "db", "text", "--k", "abc" }, "--k must be a whole number, not 'abc'.")]
    [TestCase(new[] { "query", "db", "text", "--k", "1.5" }, "--k must be a whole number, not '1.5'.")]
    [TestCase(new[] { "query", "db", "text", "--k", "99999999999" }, "--k must be at most 100000.")]
    [TestCase(new[] { "query", "db", "text", "--k", "99999999999999999999999" }, "--k must be at most 100000; '99999999999999999999999' is far larger.")]
    [TestCase(new[] { "query", "db", "text", "-k", "-4" }, "--k must be at least 1.")]
    [TestCase(new[] { "query", "db", "--image", "x.png", "--k", "abc" }, "--k must be a whole number, not 'abc'.")]
    [TestCase(new[] { "bench", "--count", "abc" }, "--count must be a whole number, not 'abc'.")]
    [TestCase(new[] { "bench", "--dim", "99999999999" }, "--dim must be at most 2147483647.")]
    [TestCase(new[] { "bench", "--queries", "0" }, "--queries must be at least 1.")]
    [TestCase(new[] { "bench", "--k", "2147483648" }, "--k must be at most 2147483647.")]
    [TestCase(new[] { "bench", "--bits", "x" }, "--bits must be a whole number, not 'x'.")]
    [TestCase(new[] { "bench", "--bits", "99999999999" }, "--bits must be 2 or 4.")]
    public void A_bad_number_is_a_one_line_usage_error(string[] args, string message)
    {
        CliRun run = CliRun.Of(args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString);
        Assert.That(run.Error, Does.Not.Contain("   at "), "a stack trace was printed");
        Assert.That(run.ErrorLines, Does.Contain($"lodedb: error: {message}"), run.ToString);
        Assert.That(run.ErrorLines.Count(l => l.StartsWith("lodedb: error: ", StringComparison.Ordinal)), Is.EqualTo(1), run.ToString);
    }

    [Test]
    public void The_largest_k_is_accepted_and_returns_every_document()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        string[] model = ["--onnx-model", RepositoryPaths.TextBert, "--model-name", "m"];
        Assert.That(CliRun.Of(["index", db, folder.Write("a.txt", "car engine"), folder.Write("b.txt", "dog food"), .. model]).ExitCode, Is.EqualTo(ExitCodes.Ok));

        foreach (string mode in new[] { "vector", "lexical", "hybrid" })
        {
            CliRun run = CliRun.Of(["query", db, "car", "--k", "100000", "--mode", mode, "--json", .. model]);
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
            Assert.That(run.OutLines, Has.Length.EqualTo(mode == "lexical" ? 1 : 2), $"{mode}: {run}");
        }
    }
}
