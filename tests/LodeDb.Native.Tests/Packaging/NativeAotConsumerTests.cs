using System.Text.RegularExpressions;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// (c) of issue 11: the LodeDb-only consumer app (<see cref="ConsumerPrograms.VectorOnly"/>)
/// published with NativeAOT for this machine's RID: no trim or AOT warning, at most 12 MB on disk
/// (the executable and liblodedb; the .dbg symbol file left out), and the same results as the JIT run.
/// </summary>
[Category("Packaging")]
public sealed partial class NativeAotConsumerTests
{
    private const long MaxBytes = 12L * 1024 * 1024;

    [Test]
    [CancelAfter(900_000)]
    public void NativeAotPublishOfAVectorOnlyAppIsSmallWarningFreeAndRuns()
    {
        if (NativeLibraryResolver.RuntimeIdentifier != "linux-x64")
        {
            Assert.Ignore($"NativeAOT is cross-compiled here only for linux-x64 (this is {NativeLibraryResolver.RuntimeIdentifier})");
        }

        string version = PackedFeed.RequireVersion();
        using var app = new ConsumerApp(version, properties: "<PublishAot>true</PublishAot><InvariantGlobalization>true</InvariantGlobalization>");
        string publish = Path.Combine(app.Root, "publish");

        var (exitCode, output) = app.Run("dotnet", "publish", "--configuration", "Release", "--runtime", "linux-x64", "--output", publish);
        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(TrimOrAotWarning().Matches(output).Select(m => m.Value).Distinct(), Is.Empty, "trim/AOT warnings");

        string[] files = [.. Directory.EnumerateFiles(publish).Where(f => !f.EndsWith(".dbg", StringComparison.Ordinal))];
        long bytes = files.Sum(f => new FileInfo(f).Length);
        TestContext.Out.WriteLine($"NativeAOT publish: {bytes:N0} bytes in {string.Join(", ", files.Select(Path.GetFileName))}");
        Assert.That(files.Select(Path.GetFileName), Does.Contain("Consumer").And.Contain(NativeLibraryResolver.FileName));
        Assert.That(bytes, Is.LessThanOrEqualTo(MaxBytes), "NativeAOT publish size");

        var (runCode, runOutput) = app.Run(Path.Combine(publish, "Consumer"), app.DataFolder);
        TestContext.Out.WriteLine(runOutput);
        Assert.That(runCode, Is.Zero, runOutput);
        Assert.That(ConsumerApp.ResultLines(runOutput).Take(1), Is.EqualTo(new[] { "count=300 top=doc-42" }), runOutput);
        Assert.That(runOutput, Does.Contain("readonly-add=ReadOnlyException"));
    }

    [GeneratedRegex(@"warning (IL\d{4}|IL3\d{3})[^\r\n]*")]
    private static partial Regex TrimOrAotWarning();
}
