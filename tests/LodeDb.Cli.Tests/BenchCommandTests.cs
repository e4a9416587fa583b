using System.Globalization;
using System.Text.RegularExpressions;
using LodeDb.Native;

namespace LodeDb.Cli.Tests;

/// <summary><c>lodedb bench</c> at a small size: it runs, prints the machine and measures a recall that a working scan reaches.</summary>
public sealed class BenchCommandTests
{
    [Test]
    public void Small_bench_prints_machine_rates_latency_recall_and_disk_size()
    {
        CliRun run = CliRun.Of("bench", "--count", "2000", "--dim", "64", "--queries", "20", "--k", "10");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        string simd = NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel);
        Assert.Multiple(() =>
        {
            Assert.That(run.OutLines, Has.Some.Match($@"^Machine: .+, {Environment.ProcessorCount} logical cores, SIMD {simd}$"));
            Assert.That(run.OutLines, Has.Some.Match(@"^Ingest: +[\d,]+ vectors/s"));
            Assert.That(run.OutLines, Has.Some.Match(@"^Query: +mean \d+\.\d{3} ms, p95 \d+\.\d{3} ms"));
            Assert.That(run.OutLines, Has.Some.Match(@"^Disk: +[\d,]+ bytes"));
        });
        Match recall = Regex.Match(run.Out, @"Recall@10: (\d\.\d{3})");
        Assert.That(recall.Success, Is.True, run.Out);
        // Random results would score about 10/2000; 4-bit codes of clustered vectors score far higher.
        Assert.That(double.Parse(recall.Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0.5));
    }
}
