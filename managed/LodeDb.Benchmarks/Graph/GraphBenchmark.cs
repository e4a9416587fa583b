using System.Diagnostics;
using System.Globalization;
using LodeDb.Benchmarks.AddPath;
using LodeDb.Graph;

namespace LodeDb.Benchmarks.Graph;

/// <summary>
/// The knowledge-graph benchmark of issue 17: a vector-only <see cref="LodeGraph"/> (caller
/// vectors of <c>--dim</c> floats on every node, no embedder, edges not indexed) of
/// <c>--nodes</c> nodes and <c>--edges</c> directed edges between uniformly drawn nodes (seeded;
/// 4 relations). Measures the bulk load through ingest scopes of <c>--chunk</c> items (one log
/// record each), the checkpoint, resident memory and folder size after the load, the reopen, the
/// 2-hop expansion from <c>--starts</c> random nodes (both directions, p50/p99) and the vector
/// subgraph search (k = 5 seeds, 1 and 2 hops, p50/p99). A plain timed run, not a
/// BenchmarkDotNet suite: one load of a million edges is the measurement.
/// Run: <c>--graph [--nodes 100000] [--edges 1000000] [--dim 64] [--chunk 100000] [--starts 200]</c>.
/// </summary>
internal static class GraphBenchmark
{
    private const int Seed = 17_017;
    private static readonly string[] Relations = ["knows", "works_at", "buys", "mentions"];

    public static int Run(IReadOnlyList<string> args)
    {
        int nodes = 100_000, edges = 1_000_000, dim = 64, chunk = 100_000, starts = 200;
        for (int i = 0; i < args.Count; i++)
        {
            string? value = i + 1 < args.Count ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--nodes" => int.TryParse(value, CultureInfo.InvariantCulture, out nodes) && nodes >= 2,
                "--edges" => int.TryParse(value, CultureInfo.InvariantCulture, out edges) && edges >= 1,
                "--dim" => int.TryParse(value, CultureInfo.InvariantCulture, out dim) && dim >= 2,
                "--chunk" => int.TryParse(value, CultureInfo.InvariantCulture, out chunk) && chunk >= 1,
                "--starts" => int.TryParse(value, CultureInfo.InvariantCulture, out starts) && starts >= 10,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"unknown or invalid option: {args[i]}");
                Console.Error.WriteLine("usage: LodeDb.Benchmarks --graph [--nodes 100000] [--edges 1000000] [--dim 64] [--chunk 100000] [--starts 200]");
                return 2;
            }

            i++;
        }

        string root = TestData.NewTempFolder("graph");
        try
        {
            Console.WriteLine($"LodeDb.Benchmarks --graph --nodes {nodes} --edges {edges} --dim {dim} --chunk {chunk} --starts {starts}");
            Console.WriteLine($"- .NET {Environment.Version}, {Environment.ProcessorCount} cores; temp folder {root}; load average at start {AddBreakdown.LoadAverage()}");
            Console.WriteLine("- vector-only graph: caller vectors on every node, no embedder, edges not indexed (GraphOptions.IndexEdges = false), Durability.Fast");
            var options = new LodeDbOptions { VectorDim = dim, Durability = Durability.Fast };
            string folder = Path.Combine(root, "graph");
            Load(folder, options, nodes, edges, dim, chunk);
            Query(folder, options, nodes, dim, starts);
            Console.WriteLine($"Load average at the end {AddBreakdown.LoadAverage()}");
            return 0;
        }
        finally
        {
            TestData.DeleteFolder(root);
        }
    }

    private static void Load(string folder, LodeDbOptions options, int nodeCount, int edgeCount, int dim, int chunk)
    {
        var random = new Random(Seed);
        var total = Stopwatch.StartNew();
        using LodeGraph graph = LodeGraph.Open(folder, options);
        var nodeTime = Stopwatch.StartNew();
        for (int start = 0; start < nodeCount; start += chunk)
        {
            int count = Math.Min(chunk, nodeCount - start);
            float[][] vectors = TestData.UnitVectors(count, dim, TestData.RowSeed, skip: start);
            using GraphIngest ingest = graph.BeginIngest();
            for (int i = 0; i < count; i++)
            {
                int n = start + i;
                ingest.AddNode(new GraphNode(NodeId(n), "node " + n.ToString(CultureInfo.InvariantCulture))
                {
                    Type = n % 10 == 0 ? "company" : "person",
                    Vector = vectors[i],
                });
            }

            ingest.Commit();
        }

        nodeTime.Stop();
        var edgeTime = Stopwatch.StartNew();
        for (int start = 0; start < edgeCount; start += chunk)
        {
            int count = Math.Min(chunk, edgeCount - start);
            using GraphIngest ingest = graph.BeginIngest();
            for (int i = 0; i < count; i++)
            {
                int e = start + i;
                ingest.AddEdge(new GraphEdge(NodeId(random.Next(nodeCount)), Relations[e % Relations.Length], NodeId(random.Next(nodeCount)))
                {
                    Id = "e" + e.ToString(CultureInfo.InvariantCulture),
                });
            }

            ingest.Commit();
        }

        edgeTime.Stop();
        var persist = Stopwatch.StartNew();
        graph.Persist();
        persist.Stop();
        total.Stop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long resident = Process.GetCurrentProcess().WorkingSet64;
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        Console.WriteLine();
        Console.WriteLine("| Load step | Items | Time (s) | Items/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Row("nodes (ingest scopes)", nodeCount, nodeTime.Elapsed);
        Row("edges (ingest scopes)", edgeCount, edgeTime.Elapsed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| checkpoint (Persist) | | {persist.Elapsed.TotalSeconds:0.00} | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| total (open, load, checkpoint) | {nodeCount + edgeCount:N0} | {total.Elapsed.TotalSeconds:0.00} | {(nodeCount + edgeCount) / total.Elapsed.TotalSeconds:N0} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"After the load: {graph.NodeCount:N0} nodes, {graph.EdgeCount:N0} edges; resident memory {resident / 1048576.0:N0} MiB (managed heap {managed / 1048576.0:N0} MiB); folder {FolderBytes(folder) / 1048576.0:N1} MiB after the checkpoint"));
    }

    private static void Query(string folder, LodeDbOptions options, int nodeCount, int dim, int starts)
    {
        var reopen = Stopwatch.StartNew();
        using LodeGraph graph = LodeGraph.Open(folder, options with { ReadOnly = true });
        reopen.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Reopen (read-only, from the checkpoint): {reopen.Elapsed.TotalSeconds:0.00} s"));
        var random = new Random(Seed + 1);
        string[] ids = [.. Enumerable.Range(0, starts).Select(_ => NodeId(random.Next(nodeCount)))];
        float[][] queries = TestData.UnitVectors(starts, dim, TestData.QuerySeed);

        // Warm-up: JIT and caches, not measured.
        for (int i = 0; i < 10; i++)
        {
            graph.KHop([ids[i]], 2, maxNodes: 100_000);
            graph.SearchSubgraphByVector(queries[i], k: 5, hops: 2, maxNodes: 100_000);
        }

        Console.WriteLine();
        Console.WriteLine("| Read | Calls | p50 (ms) | p99 (ms) | Mean nodes returned | Mean edges returned | Truncated |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Measure("KHop(random node, k = 2, Both)", starts, i => graph.KHop([ids[i]], 2, maxNodes: 100_000));
        Measure("KHop(random node, k = 2, Out)", starts, i => graph.KHop([ids[i]], 2, maxNodes: 100_000, direction: GraphDirection.Out));
        Measure("SearchSubgraphByVector(k = 5, hops = 1)", starts, i => graph.SearchSubgraphByVector(queries[i], k: 5, hops: 1, maxNodes: 100_000));
        Measure("SearchSubgraphByVector(k = 5, hops = 2)", starts, i => graph.SearchSubgraphByVector(queries[i], k: 5, hops: 2, maxNodes: 100_000));
        Measure("SearchNodesByVector(k = 5) alone", starts, i => new GraphSubgraph([], [], graph.SearchNodesByVector(queries[i], 5), false));
    }

    private static void Measure(string name, int calls, Func<int, GraphSubgraph> call)
    {
        var times = new double[calls];
        long nodes = 0, edges = 0;
        int truncated = 0;
        for (int i = 0; i < calls; i++)
        {
            long started = Stopwatch.GetTimestamp();
            GraphSubgraph result = call(i);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            nodes += result.Nodes.Count;
            edges += result.Edges.Count;
            truncated += result.Truncated ? 1 : 0;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {calls} | {Percentile(times, 0.50):0.000} | {Percentile(times, 0.99):0.000} | {nodes / (double)calls:N0} | {edges / (double)calls:N0} | {truncated} |"));
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static void Row(string name, int items, TimeSpan time) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {items:N0} | {time.TotalSeconds:0.00} | {items / time.TotalSeconds:N0} |"));

    private static long FolderBytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static string NodeId(int n) => "n" + n.ToString(CultureInfo.InvariantCulture);
}
