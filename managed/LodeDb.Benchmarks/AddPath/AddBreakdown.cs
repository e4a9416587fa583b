using System.Diagnostics;
using System.Globalization;
using LodeDb.Native;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>
/// Where the time of one <see cref="LodeDatabase.AddVector"/> goes (issue 12, item 5): the whole
/// add under <see cref="Durability.Fast"/> and <see cref="Durability.Fsync"/> on a 20,000 x 384
/// WAL store (the <see cref="AddLatencyBenchmarks"/> store), and each step of the add path
/// repeated on its own with the same inputs, through the same internal code the database calls:
/// validation, encoding, the WAL record, the WAL append (with and without its fdatasync),
/// applying the row (native import + slot table), plus the raw pwrite + fdatasync floor of the
/// same bytes. Steps run in interleaved rounds so load changes on a shared machine hit every
/// step alike; compare ratios within one run. Then concurrent writers (<see cref="ConcurrentWriters"/>).
/// Run: <c>--add-breakdown [--samples 3000] [--fsync-samples 300] [--seconds 3]</c>.
/// </summary>
internal static class AddBreakdown
{
    private const int StoreRows = 20_000;
    private const int Rounds = 10;

    public static int Run(IReadOnlyList<string> args)
    {
        int samples = 3_000, fsyncSamples = 300;
        double seconds = 3;
        for (int i = 0; i < args.Count; i++)
        {
            string? value = i + 1 < args.Count ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--samples" => int.TryParse(value, CultureInfo.InvariantCulture, out samples) && samples >= Rounds,
                "--fsync-samples" => int.TryParse(value, CultureInfo.InvariantCulture, out fsyncSamples) && fsyncSamples >= Rounds,
                "--seconds" => double.TryParse(value, CultureInfo.InvariantCulture, out seconds) && seconds > 0,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"unknown or invalid option: {args[i]}");
                Console.Error.WriteLine("usage: LodeDb.Benchmarks --add-breakdown [--samples 3000] [--fsync-samples 300] [--seconds 3]");
                return 2;
            }

            i++;
        }

        string root = TestData.NewTempFolder("add-breakdown");
        try
        {
            Console.WriteLine($"LodeDb.Benchmarks --add-breakdown --samples {samples} --fsync-samples {fsyncSamples} --seconds {seconds.ToString(CultureInfo.InvariantCulture)}");
            Console.WriteLine($"- .NET {Environment.Version}, {Environment.ProcessorCount} cores; temp folder {root}; load average at start {LoadAverage()}");
            var started = Stopwatch.StartNew();
            string template = Path.Combine(root, "template");
            TestData.BuildStore(template, StoreRows, Durability.Fast).Dispose();
            Breakdown(root, template, samples, fsyncSamples);
            Console.WriteLine();
            ConcurrentWriters.Run(root, template, seconds);
            Console.WriteLine();
            Console.WriteLine($"Total {started.Elapsed.TotalSeconds:0} s; load average at the end {LoadAverage()}");
            return 0;
        }
        finally
        {
            TestData.DeleteFolder(root);
        }
    }

    private static void Breakdown(string root, string template, int samples, int fsyncSamples)
    {
        const int dim = TestData.Dim;
        float[][] pool = TestData.UnitVectors(1_024, dim, TestData.AddSeed);
        string fastFolder = Path.Combine(root, "fast"), fsyncFolder = Path.Combine(root, "fsync");
        TestData.CopyFolder(template, fastFolder);
        TestData.CopyFolder(template, fsyncFolder);
        using var fast = TestData.Open(fastFolder, Durability.Fast);
        using var durable = TestData.Open(fsyncFolder, Durability.Fsync);

        // The pieces, built like the database's own: an index of the same shape and rows, a
        // slot table of the same ids, a WAL file and a plain file on the same disk.
        using var index = NativeIndex.Create(dim, fast.BitWidth, fast.Seed);
        var rows = new SlotTable();
        float[][] stored = TestData.UnitVectors(StoreRows, dim, TestData.RowSeed);
        var flat = new float[StoreRows * dim];
        for (int i = 0; i < StoreRows; i++)
        {
            stored[i].CopyTo(flat, i * dim);
            rows.AppendLive(TestData.RowId(i), MetadataCodec.Normalize(null, "metadata"), null);
        }

        index.Add(flat);
        using var wal = NativeWal.Open(Path.Combine(root, "steps.wal"));
        using var floor = new SyncFloor(Path.Combine(root, "floor.bin"));
        using var prewritten = new SyncFloor(Path.Combine(root, "floor-prewritten.bin"), prewrite: 64 << 20);
        var gate = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        int bytesPerRow = index.CodeBytesPerRow;
        var normalized = new float[dim];
        var codes = new byte[bytesPerRow];
        var scales = new float[1];
        byte[] payload = [];
        int n = 0;

        var fastAdd = new Samples("`AddVector`, `Durability.Fast` (whole call)");
        var afterGc = new Samples("`AddVector`, `Durability.Fast`, first call after a full `GC.Collect` (what a one-call BenchmarkDotNet iteration times)");
        var validate = new Samples("1. validate + normalise + id + metadata (`VectorValidation.CopyNormalized`, `StringValidation`, `MetadataCodec.Normalize`)");
        var encode = new Samples("2. encode one row (`NativeIndex.Encode`)");
        var record = new Samples("3. WAL record (`UpsertBatch` + `WalRecord.EncodeUpsert`)");
        var append = new Samples("4. WAL append, no sync (`NativeWal.Append`: one framed write)");
        var import = new Samples("5a. apply: native import of one row into 20,000 (`NativeIndex.ImportRows`)");
        var table = new Samples("5b. apply: slot table (`SlotsOf` + `AppendLive`)");
        var locking = new Samples("6. write lock enter + exit (`ReaderWriterLockSlim`)");
        var rawWrite = new Samples("raw pwrite of the same bytes, no sync (libc)");
        var durableAdd = new Samples("`AddVector`, `Durability.Fsync` (whole call)");
        var walSync = new Samples("WAL append + fdatasync (`NativeWal.Append(sync: true)`)");
        var rawSync = new Samples("floor: raw pwrite + fdatasync of the same bytes (libc)");
        var rawPrewritten = new Samples("pwrite + fdatasync over a pre-written (zero-filled, synced) file: no size change to commit");

        string NextId() => "add" + (n++).ToString(CultureInfo.InvariantCulture);
        float[] Vector() => pool[n % pool.Length];

        // Warm-up (JIT tiers, caches), untimed.
        for (int i = 0; i < 300; i++)
        {
            fast.AddVector(Vector(), NextId());
        }

        for (int round = 0; round < Rounds; round++)
        {
            int each = samples / Rounds, eachSync = fsyncSamples / Rounds;
            fastAdd.Measure(each, () => fast.AddVector(Vector(), NextId()));
            for (int i = 0; i < eachSync; i++)
            {
                // BenchmarkDotNet collects before every iteration; with one add per iteration
                // (AddLatencyBenchmarks) each timed add starts on a freshly compacted heap.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                afterGc.Measure(1, () => fast.AddVector(Vector(), NextId()));
            }

            validate.Measure(each, () =>
            {
                var copy = new float[dim];
                VectorValidation.CopyNormalized(Vector(), dim, copy, 0, "vector");
                StringValidation.WellFormed(NextId(), "id", 0, "id");
                MetadataCodec.Normalize(null, "metadata");
                copy.CopyTo(normalized, 0);
            });
            encode.Measure(each, () =>
            {
                codes = new byte[bytesPerRow];
                scales = new float[1];
                index.Encode(normalized, codes, scales);
            });
            record.Measure(each, () =>
            {
                var batch = new UpsertBatch([NextId()], [MetadataCodec.Normalize(null, "metadata")], codes, scales, bytesPerRow, null, new string?[1], new IReadOnlyList<string>?[1], false);
                payload = WalRecord.EncodeUpsert(batch);
            });
            append.Measure(each, () => wal.Append(payload));
            import.Measure(each, () => index.ImportRows(codes, scales));
            table.Measure(each, () =>
            {
                string id = NextId();
                rows.SlotsOf(id);
                rows.AppendLive(id, MetadataCodec.Normalize(null, "metadata"), null);
            });
            locking.Measure(each, () =>
            {
                gate.EnterWriteLock();
                gate.ExitWriteLock();
            });
            byte[] frame = NativeWal.Encode(payload);
            rawWrite.Measure(each, () => floor.Append(frame, sync: false));
            for (int i = 0; i < eachSync; i++)
            {
                // One of each in turn: a disk shared with other work changes speed from one
                // second to the next, so the three see the same moments.
                durableAdd.Measure(1, () => durable.AddVector(Vector(), NextId()));
                walSync.Measure(1, () => wal.Append(payload, sync: true));
                rawSync.Measure(1, () => floor.Append(frame, sync: true));
                rawPrewritten.Measure(1, () => prewritten.Append(frame, sync: true));
            }
        }

        Console.WriteLine($"#### One add, 20,000 x {dim} WAL store, payload {payload.Length} B ({NativeWal.EncodedLength(payload.Length)} B framed), {Rounds} interleaved rounds");
        Console.WriteLine();
        Console.WriteLine(Samples.Header);
        Samples[] steps = [validate, encode, record, append, import, table, locking];
        foreach (var s in new[] { fastAdd, afterGc }.Concat(steps).Append(rawWrite))
        {
            Console.WriteLine(s.ToMarkdown());
        }

        double sum = steps.Sum(s => s.Percentile(0.5));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| sum of the step p50s 1-6 | {sum:0.0} | | | | |\n| rest of the Fast add (p50 whole - sum of steps) | {fastAdd.Percentile(0.5) - sum:0.0} | | | | |"));
        foreach (var s in new[] { durableAdd, walSync, rawSync, rawPrewritten })
        {
            Console.WriteLine(s.ToMarkdown());
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Fsync add p50 / floor p50 | {durableAdd.Percentile(0.5) / rawSync.Percentile(0.5):0.00}x | | | | |\n| WAL fdatasync append p50 / floor p50 | {walSync.Percentile(0.5) / rawSync.Percentile(0.5):0.00}x | | | | |"));
    }

    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
