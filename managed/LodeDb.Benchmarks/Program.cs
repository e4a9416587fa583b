using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace LodeDb.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher with every BenchmarkDotNet argument (--filter, --job,
/// --list, --artifacts, ...) plus <c>--quick</c>, which runs every benchmark with a short job
/// (1 launch, 2 warmup iterations, 10 measured iterations) so the whole suite fits in a few
/// minutes. Artifacts go to artifacts/benchmarks at the repository root unless --artifacts says
/// otherwise. <c>--storage --data DIR</c> runs the multimodal storage benchmark instead
/// (Storage/StorageBenchmark.cs); <c>--add-breakdown</c> splits one add into its steps next to
/// the fdatasync floor and measures concurrent writers (AddPath/AddBreakdown.cs);
/// <c>--group-commit</c> times Fsync adds from 1, 2, 8 and 16 threads between two measurements of
/// the fdatasync floor (AddPath/GroupCommitRun.cs); <c>--graph</c> loads and queries a knowledge
/// graph of a million edges (Graph/GraphBenchmark.cs).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--storage", StringComparer.OrdinalIgnoreCase))
        {
            // The multimodal storage benchmark is a plain timed run, not a BenchmarkDotNet suite.
            return Storage.StorageBenchmark.Run(args.Where(a => !string.Equals(a, "--storage", StringComparison.OrdinalIgnoreCase)).ToArray());
        }

        if (args.Contains("--add-breakdown", StringComparer.OrdinalIgnoreCase))
        {
            // Where one add's time goes, the fdatasync floor and concurrent writers: a plain timed run.
            return AddPath.AddBreakdown.Run(args.Where(a => !string.Equals(a, "--add-breakdown", StringComparison.OrdinalIgnoreCase)).ToArray());
        }

        if (args.Contains("--group-commit", StringComparer.OrdinalIgnoreCase))
        {
            // Concurrent Fsync writers sharing fdatasyncs, next to the floor: a plain timed run.
            return AddPath.GroupCommitRun.Run(args.Where(a => !string.Equals(a, "--group-commit", StringComparison.OrdinalIgnoreCase)).ToArray());
        }

        if (args.Contains("--graph", StringComparer.OrdinalIgnoreCase))
        {
            // Bulk load, 2-hop expansion and subgraph search of a large graph: a plain timed run.
            return Graph.GraphBenchmark.Run(args.Where(a => !string.Equals(a, "--graph", StringComparison.OrdinalIgnoreCase)).ToArray());
        }

        bool quick = args.Contains("--quick", StringComparer.OrdinalIgnoreCase);
        string[] rest = args.Where(a => !string.Equals(a, "--quick", StringComparison.OrdinalIgnoreCase)).ToArray();

        if (quick && rest.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine("--quick picks the job itself; pass either --quick or --job, not both.");
            return 2;
        }

        IConfig config = DefaultConfig.Instance;
        if (!rest.Contains("--artifacts", StringComparer.OrdinalIgnoreCase))
        {
            config = config.WithArtifactsPath(Path.Combine(RepoRoot(), "artifacts", "benchmarks"));
        }

        if (quick)
        {
            config = config.AddJob(Job.ShortRun
                .WithWarmupCount(2)
                .WithIterationCount(10)
                .WithId("Quick")
                .AsDefault());
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>The folder holding Directory.Packages.props above the running assembly (else the current folder).</summary>
    private static string RepoRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                {
                    return dir.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
