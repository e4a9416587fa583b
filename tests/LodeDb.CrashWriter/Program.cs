using System.Globalization;
using LodeDb;

// Usage:
//   write <folder> <wal|generation> <fast|fsync> <run> <checkpointEvery> [none|int8|float16]
//       opens (creating a 32-d index, with that re-score sidecar when given) and runs CrashVectors.Op(run, 0), Op(run, 1), ... forever
//       (single adds, 3-row batches, removes), printing "<kind> <ids> ." after each returns.
//   writers <folder> <wal|generation> <run> <threads> <checkpointEvery>
//       opens (creating a 32-d index) with Fsync and starts <threads> threads; thread w runs
//       CrashVectors.Op("<run>w<w>", 0), Op(.., 1), ... forever on the one handle (concurrent
//       writers share fdatasyncs: group commit), printing "w<w> <kind> <ids> ." after each returns.
//   probe <folder> <lockTimeoutSeconds>
//       tries to open a writer: prints "concurrent" on ConcurrentWriterException, else "opened".
//   count <folder>
//       opens read-only and prints the row count.
//   text <folder> <modelFolder> <storeText> <indexText> <wal|generation>
//       opens (creating a custom-embedder index on the fixture model) and runs
//       CrashTexts.Op(0), Op(1), ... forever (adds, 2-text batches, replaces, removes),
//       printing "<kind> <ids> ." after each returns. Never checkpoints before it is killed.
//   images <folder> <wal|generation>
//       opens (creating an image+text index on the ColourLayoutEmbedder, linked from the tests)
//       and adds CrashImages.Encoded(0), (1), ... one by one forever with Fsync, printing
//       "add <id> ." after each returns. Never checkpoints before it is killed.
//   graph <folder> <wal|generation> <fast|fsync> <checkpointEvery>
//       opens (creating a 32-d vector-only graph) and runs CrashGraph.Apply(graph, 0), (1), ...
//       forever (bulk ingests, bulk edges, cascading removals, replaces), printing "<kind> <i> ."
//       after each returns.
//   spaces <root> <prefix> <count>
//       opens the collection at <root>, prints "ready", then creates the 4-d vector spaces
//       <prefix>-0 .. <prefix>-<count-1> one by one and prints "done".
return args[0] switch
{
    "write" => Write(args),
    "writers" => ConcurrentWriters(args),
    "probe" => Probe(args),
    "count" => Count(args),
    "text" => WriteText(args),
    "images" => WriteImages(args),
    "spaces" => CreateSpaces(args),
    "graph" => WriteGraph(args),
    _ => 2,
};

static int Write(string[] args)
{
    var options = new LodeDbOptions
    {
        VectorDim = CrashVectors.Dimension,
        CommitMode = Enum.Parse<CommitMode>(args[2], ignoreCase: true),
        Durability = Enum.Parse<Durability>(args[3], ignoreCase: true),
        CheckpointEveryRecords = int.Parse(args[5], CultureInfo.InvariantCulture),
        LockTimeout = TimeSpan.FromSeconds(10),
        Rescore = args.Length > 6 ? Enum.Parse<RescoreStorage>(args[6], ignoreCase: true) : null,
    };
    string run = args[4];
    using var database = LodeDatabase.Open(args[1], options);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    for (int i = 0; ; i++)
    {
        var (kind, ids) = CrashVectors.Op(run, i);
        ApplyOp(database, run, i, kind, ids);

        // The trailing " ." marks a complete line: a kill can cut a line short.
        Console.Out.WriteLine($"{kind} {string.Join(',', ids)} .");
        Console.Out.Flush();
    }
}

static int ConcurrentWriters(string[] args)
{
    var options = new LodeDbOptions
    {
        VectorDim = CrashVectors.Dimension,
        CommitMode = Enum.Parse<CommitMode>(args[2], ignoreCase: true),
        Durability = Durability.Fsync,
        CheckpointEveryRecords = int.Parse(args[5], CultureInfo.InvariantCulture),
        LockTimeout = TimeSpan.FromSeconds(10),
    };
    string run = args[3];
    int threads = int.Parse(args[4], CultureInfo.InvariantCulture);
    using var database = LodeDatabase.Open(args[1], options);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    var workers = Enumerable.Range(0, threads).Select(w => new Thread(() =>
    {
        string thread = $"{run}w{w}";
        for (int i = 0; ; i++)
        {
            var (kind, ids) = CrashVectors.Op(thread, i);
            ApplyOp(database, thread, i, kind, ids);
            // Console.Out is synchronised: each line arrives whole.
            Console.Out.WriteLine($"w{w} {kind} {string.Join(',', ids)} .");
            Console.Out.Flush();
        }
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    return 0;
}

static void ApplyOp(LodeDatabase database, string run, int i, string kind, string[] ids)
{
    switch (kind)
    {
        case "batch":
            database.AddVectors(
                ids.Select(CrashVectors.For).ToArray(),
                ids,
                ids.Select(x => (IReadOnlyDictionary<string, object?>?)CrashVectors.Metadata(x, batch: $"{run}-{i}")).ToArray());
            break;
        case "del":
            database.Remove(ids[0]);
            break;
        default:
            database.AddVector(CrashVectors.For(ids[0]), ids[0], CrashVectors.Metadata(ids[0], batch: null));
            break;
    }
}

static int WriteText(string[] args)
{
    using var embedder = new LodeDb.Embeddings.Onnx.OnnxTextEmbedder(args[2]);
    var options = new LodeDbOptions
    {
        Embedder = embedder,
        ModelName = CrashTexts.ModelName,
        StoreText = bool.Parse(args[3]),
        IndexText = bool.Parse(args[4]),
        CommitMode = Enum.Parse<CommitMode>(args[5], ignoreCase: true),
        Durability = Durability.Fsync,
        MaxChunkChars = CrashTexts.MaxChunkChars,
        LockTimeout = TimeSpan.FromSeconds(10),
    };
    using var database = LodeDatabase.Open(args[1], options);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    for (int i = 0; ; i++)
    {
        CrashTexts.Apply(database, i);
        var (kind, ids) = CrashTexts.Op(i);
        Console.Out.WriteLine($"{kind} {string.Join(',', ids)} .");
        Console.Out.Flush();
    }
}

static int WriteImages(string[] args)
{
    var options = new LodeDbOptions
    {
        Embedder = new ColourLayoutEmbedder(),
        ModelName = ColourLayoutEmbedder.ModelName,
        CommitMode = Enum.Parse<CommitMode>(args[2], ignoreCase: true),
        Durability = Durability.Fsync,
        LockTimeout = TimeSpan.FromSeconds(10),
    };
    using var database = LodeDatabase.Open(args[1], options);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    for (int i = 0; ; i++)
    {
        database.AddImage(CrashImages.Encoded(i), CrashImages.Id(i), CrashImages.Metadata(i));
        Console.Out.WriteLine($"add {CrashImages.Id(i)} .");
        Console.Out.Flush();
    }
}

static int WriteGraph(string[] args)
{
    var options = CrashGraph.Options(
        Enum.Parse<CommitMode>(args[2], ignoreCase: true), Enum.Parse<Durability>(args[3], ignoreCase: true), int.Parse(args[4], CultureInfo.InvariantCulture));
    using var graph = LodeDb.Graph.LodeGraph.Open(args[1], options);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    for (int i = 0; ; i++)
    {
        CrashGraph.Apply(graph, i);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CrashGraph.Kind(i)} {i} ."));
        Console.Out.Flush();
    }
}

static int Probe(string[] args)
{
    try
    {
        using var database = LodeDatabase.Open(args[1], new LodeDbOptions
        {
            LockTimeout = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)),
        });
        Console.Out.WriteLine("opened");
    }
    catch (ConcurrentWriterException)
    {
        Console.Out.WriteLine("concurrent");
    }

    return 0;
}

static int Count(string[] args)
{
    using var database = LodeDatabase.OpenReadOnly(args[1]);
    Console.Out.WriteLine(database.Count().ToString(CultureInfo.InvariantCulture));
    return 0;
}

static int CreateSpaces(string[] args)
{
    using var collection = LodeCollection.Open(args[1], new LodeCollectionOptions { LockTimeout = TimeSpan.FromSeconds(30) });
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    int count = int.Parse(args[3], CultureInfo.InvariantCulture);
    for (int i = 0; i < count; i++)
    {
        collection.Space(string.Create(CultureInfo.InvariantCulture, $"{args[2]}-{i}"), new LodeDbOptions { VectorDim = 4 });
    }

    Console.Out.WriteLine("done");
    return 0;
}
