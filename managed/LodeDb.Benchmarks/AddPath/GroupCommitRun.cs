using System.Diagnostics;
using System.Globalization;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>
/// Group commit (issue 12, item 5): Fsync add throughput with 1, 2, 8 and 16 writer threads on one
/// WAL-mode store, between two measurements of the raw pwrite + fdatasync floor on the same disk
/// (before and after, so a change in the disk's speed during the run shows), plus the Fast rows
/// for scale. Run: <c>--group-commit [--seconds 3] [--floor-samples 300] [--rows 20000]</c>.
/// </summary>
internal static class GroupCommitRun
{
    private static readonly int[] ThreadCounts = [1, 2, 8, 16];

    public static int Run(IReadOnlyList<string> args)
    {
        double seconds = 3;
        int floorSamples = 300, rows = 20_000;
        for (int i = 0; i < args.Count; i++)
        {
            string? value = i + 1 < args.Count ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--seconds" => double.TryParse(value, CultureInfo.InvariantCulture, out seconds) && seconds > 0,
                "--floor-samples" => int.TryParse(value, CultureInfo.InvariantCulture, out floorSamples) && floorSamples > 0,
                "--rows" => int.TryParse(value, CultureInfo.InvariantCulture, out rows) && rows > 0,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"unknown or invalid option: {args[i]}");
                Console.Error.WriteLine("usage: LodeDb.Benchmarks --group-commit [--seconds 3] [--floor-samples 300] [--rows 20000]");
                return 2;
            }

            i++;
        }

        string root = TestData.NewTempFolder("group-commit");
        try
        {
            Console.WriteLine($"LodeDb.Benchmarks --group-commit --seconds {seconds.ToString(CultureInfo.InvariantCulture)} --floor-samples {floorSamples} --rows {rows}");
            Console.WriteLine($"- .NET {Environment.Version}, {Environment.ProcessorCount} cores; temp folder {root}; load average at start {AddBreakdown.LoadAverage()}");
            var started = Stopwatch.StartNew();
            string template = Path.Combine(root, "template");
            TestData.BuildStore(template, rows, Durability.Fast).Dispose();
            int recordBytes = RecordBytes(root, template);

            Samples before = Floor(root, "before", recordBytes, floorSamples);
            Console.WriteLine();
            ConcurrentWriters.Run(root, template, seconds, [Durability.Fsync], ThreadCounts, before.Percentile(0.5));
            Samples after = Floor(root, "after", recordBytes, floorSamples);
            Console.WriteLine();
            ConcurrentWriters.Run(root, template, seconds, [Durability.Fast], ThreadCounts, floorMicros: null);
            Console.WriteLine();
            Console.WriteLine($"fdatasync floor: raw pwrite + fdatasync of {recordBytes} bytes (one add's WAL frame) through libc, {floorSamples} samples before and after the Fsync rows");
            Console.WriteLine();
            Console.WriteLine(Samples.Header);
            Console.WriteLine(before.ToMarkdown());
            Console.WriteLine(after.ToMarkdown());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\nOne add per floor p50 = {1e6 / before.Percentile(0.5):0} adds/s (before), {1e6 / after.Percentile(0.5):0} adds/s (after)."));
            Console.WriteLine();
            Console.WriteLine($"Total {started.Elapsed.TotalSeconds:0} s; load average at the end {AddBreakdown.LoadAverage()}");
            return 0;
        }
        finally
        {
            TestData.DeleteFolder(root);
        }
    }

    /// <summary>The WAL bytes one single add appends on this store (its frame), measured.</summary>
    private static int RecordBytes(string root, string template)
    {
        string folder = Path.Combine(root, "probe");
        TestData.CopyFolder(template, folder);
        using (var db = TestData.Open(folder, Durability.Fast))
        {
            long start = db.Stats().WalBytes;
            db.AddVector(TestData.UnitVectors(1, TestData.Dim, TestData.AddSeed)[0], "probe-0");
            int bytes = (int)(db.Stats().WalBytes - start);
            db.Remove("probe-0");
            return bytes;
        }
    }

    private static Samples Floor(string root, string name, int bytes, int samples)
    {
        var frame = new byte[bytes];
        new Random(7).NextBytes(frame);
        using var floor = new SyncFloor(Path.Combine(root, $"floor-{name}.bin"));
        for (int i = 0; i < 10; i++)
        {
            floor.Append(frame, sync: true); // untimed: first extents, JIT
        }

        var result = new Samples($"floor ({name} the Fsync rows): pwrite + fdatasync");
        result.Measure(samples, () => floor.Append(frame, sync: true));
        return result;
    }
}
