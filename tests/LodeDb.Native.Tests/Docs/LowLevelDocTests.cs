using LodeDb.Native.Examples;

namespace LodeDb.Native.Tests.Docs;

/// <summary>
/// docs/low-level.md shows LowLevelExample.cs verbatim, and this project compiles and runs that
/// file: the page cannot drift from an example that builds and works.
/// </summary>
public sealed class LowLevelDocTests
{
    private const string ExampleFile = "tests/LodeDb.Native.Tests/Docs/LowLevelExample.cs";

    [Test]
    public void ThePageShowsTheCompiledExampleVerbatim()
    {
        string page = Normalise(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "low-level.md")));
        string example = Normalise(File.ReadAllText(Path.Combine(RepositoryPaths.Root, ExampleFile)));
        string marker = $"<!-- example: {ExampleFile} -->\n```csharp\n";
        int start = page.IndexOf(marker, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"docs/low-level.md lacks the marker line for {ExampleFile}");
        start += marker.Length;
        int end = page.IndexOf("```\n", start, StringComparison.Ordinal);
        Assert.That(page[start..end], Is.EqualTo(example), $"copy {ExampleFile} into docs/low-level.md");
    }

    [Test]
    public void TheExampleRunsAndSaysWhatThePageSays()
    {
        string folder = Directory.CreateTempSubdirectory("lodedb-lowlevel-").FullName;
        try
        {
            var output = new StringWriter { NewLine = "\n" };
            LowLevelExample.Run(folder, output);
            string[] lines = output.ToString().TrimEnd('\n').Split('\n');
            TestContext.Out.WriteLine(output.ToString());
            Assert.That(lines, Has.Length.EqualTo(8));
            string page = Normalise(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "low-level.md")));
            const string printed = "It prints:\n```\n";
            int start = page.IndexOf(printed, StringComparison.Ordinal) + printed.Length;
            Assert.That(page[start..page.IndexOf("```", start, StringComparison.Ordinal)], Is.EqualTo(output.ToString()),
                "the output shown in docs/low-level.md");
            Assert.Multiple(() =>
            {
                Assert.That(lines[0], Is.EqualTo("added slots 0..2, 3 live"));
                Assert.That(lines[1], Does.StartWith("slot 0 score "));
                Assert.That(lines[2], Does.StartWith("slot 2 score "));
                Assert.That(lines[3], Is.EqualTo("documents: 10, 11"));
                Assert.That(lines[4], Is.EqualTo("filtered best: slot 2"));
                Assert.That(lines[5], Is.EqualTo("loaded 3 live, best slot 0"));
                Assert.That(lines[6], Does.StartWith("replayed 2 records, ").And.EndWith("valid bytes: add 0..2 | remove 1"));
                Assert.That(lines[7], Is.EqualTo("refused: InvalidVector"));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n");
}
