using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using LodeDb.Cli.Bench;
using LodeDb.Cli.Output;
using LodeDb.Native;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb bench [--count N] [--dim D] [--bits 2|4] [--queries Q] [--k K]</c>: a quick local
/// benchmark in a temporary folder with clustered random unit vectors: ingest rate, mean and p95
/// query latency, recall@k against an exact scan (TensorPrimitives dot products), disk bytes, and
/// the machine it ran on. The defaults run in a few seconds.
/// </summary>
internal static class BenchCommand
{
    private const int IngestBatch = 1000;

    public static Command Create(CliContext context)
    {
        Option<int> count = WholeNumberOption.Create("--count", null, "Vectors to store (default 20000).", 20_000, 1);
        Option<int> dim = WholeNumberOption.Create("--dim", null, "Dimension (default 384).", 384, 1);
        Option<int> bits = WholeNumberOption.Create("--bits", null, "Bits per coordinate: 2 or 4 (default 4).", 4, 2, 4, only: [2, 4]);
        Option<int> queries = WholeNumberOption.Create("--queries", null, "Queries to time (default 200).", 200, 1);
        Option<int> k = WholeNumberOption.Create("--k", "-k", "Results per query; recall is measured at k (default 10).", 10, 1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object (machine, data, ingest, query latency, recall, disk)." };
        var command = new Command("bench", "Quick local benchmark on clustered random vectors: ingest rate, query latency, recall, disk size.")
        {
            count, dim, bits, queries, k, json,
        };
        command.SetAction(parsed => Run(context, parsed.GetValue(count), parsed.GetValue(dim), parsed.GetValue(bits), parsed.GetValue(queries), parsed.GetValue(k), parsed.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, int count, int dim, int bits, int queryCount, int k, bool json)
    {
        if (dim > 65_536)
        {
            throw new CliUsageException("--dim must be at most 65536.");
        }

        // With --json the human lines are not printed; one object comes at the end.
        TextWriter output = json ? TextWriter.Null : context.Out;
        output.WriteLine($"Machine: {MachineDescription.CpuModel()}, {Environment.ProcessorCount} logical cores, SIMD {NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel)}");
        output.WriteLine($"         {MachineDescription.Os()}");
        output.WriteLine($"Data:    {count:N0} clustered unit vectors, {dim} dimensions, {bits}-bit codes; {queryCount} queries, k = {k}");

        var generator = new ClusteredVectors(dim, clusters: Math.Clamp(count / 500, 8, 256), seed: 20261125);
        var data = new float[count][];
        for (int i = 0; i < count; i++)
        {
            data[i] = generator.Next();
        }

        var queries = new float[queryCount][];
        for (int i = 0; i < queryCount; i++)
        {
            queries[i] = generator.Next();
        }

        string folder = Path.Combine(Path.GetTempPath(), "lodedb-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            using LodeDatabase db = LodeDatabase.Open(folder, new LodeDbOptions { VectorDim = dim, BitWidth = bits });
            var ingest = Stopwatch.StartNew();
            context.WithProgress("Ingesting", count, report =>
            {
                for (int start = 0; start < count; start += IngestBatch)
                {
                    int n = Math.Min(IngestBatch, count - start);
                    db.AddVectors(data[start..(start + n)], [.. Enumerable.Range(start, n).Select(i => (string?)i.ToString(CultureInfo.InvariantCulture))]);
                    report(start + n);
                }
            });
            db.Persist();
            ingest.Stop();

            var latencies = new double[queryCount];
            double recallSum = 0;
            int effectiveK = Math.Min(k, count);
            var scores = new float[count];
            for (int q = 0; q < queryCount; q++)
            {
                long started = Stopwatch.GetTimestamp();
                IReadOnlyList<SearchHit> hits = db.SearchByVector(queries[q], k);
                latencies[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

                for (int i = 0; i < count; i++)
                {
                    scores[i] = TensorPrimitives.Dot(queries[q], data[i]);
                }

                HashSet<int> exact = ExactTop(scores, effectiveK);
                recallSum += hits.Count(h => exact.Contains(int.Parse(h.Id, CultureInfo.InvariantCulture))) / (double)effectiveK;
            }

            Array.Sort(latencies);
            LodeStats stats = db.Stats();
            double rate = count / ingest.Elapsed.TotalSeconds;
            output.WriteLine($"Ingest:  {rate:N0} vectors/s ({Units.Seconds(ingest.Elapsed)} for {count:N0}, batches of {IngestBatch}, persisted)");
            output.WriteLine($"Query:   mean {latencies.Average():0.000} ms, p95 {Percentile(latencies, 0.95):0.000} ms (k = {k}, one query at a time)");
            output.WriteLine($"Recall@{k}: {recallSum / queryCount:0.000} against an exact float scan");
            output.WriteLine($"Disk:    {stats.DiskBytes:N0} bytes ({Units.Bytes(stats.DiskBytes)}, {stats.DiskBytes / (double)count:0.0} bytes per vector)");
            if (json)
            {
                context.Out.WriteLine(JsonLine.Build(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("cpu", MachineDescription.CpuModel());
                    writer.WriteNumber("logicalCores", Environment.ProcessorCount);
                    writer.WriteString("simd", NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel));
                    writer.WriteString("os", MachineDescription.Os());
                    writer.WriteNumber("count", count);
                    writer.WriteNumber("dimension", dim);
                    writer.WriteNumber("bits", bits);
                    writer.WriteNumber("queries", queryCount);
                    writer.WriteNumber("k", k);
                    writer.WriteNumber("ingestVectorsPerSecond", Math.Round(rate, 1));
                    writer.WriteNumber("ingestSeconds", Math.Round(ingest.Elapsed.TotalSeconds, 4));
                    writer.WriteNumber("queryMeanMs", Math.Round(latencies.Average(), 4));
                    writer.WriteNumber("queryP95Ms", Math.Round(Percentile(latencies, 0.95), 4));
                    writer.WriteNumber("recall", Math.Round(recallSum / queryCount, 4));
                    writer.WriteNumber("diskBytes", stats.DiskBytes);
                    writer.WriteEndObject();
                }));
            }

            return ExitCodes.Ok;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"lodedb: could not delete the temporary folder {folder}: {e.Message}");
            }
        }
    }

    private static HashSet<int> ExactTop(float[] scores, int k)
    {
        // A min-heap of the k best so far: O(n log k) per query instead of sorting every score.
        var best = new PriorityQueue<int, float>(k + 1);
        for (int i = 0; i < scores.Length; i++)
        {
            if (best.Count < k)
            {
                best.Enqueue(i, scores[i]);
            }
            else if (best.TryPeek(out _, out float worst) && scores[i] > worst)
            {
                best.EnqueueDequeue(i, scores[i]);
            }
        }

        return [.. best.UnorderedItems.Select(item => item.Element)];
    }

    private static double Percentile(double[] sorted, double p)
    {
        int index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
