using CsCheck;
using LodeDb.Graph;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// The graph file (<see cref="GraphFile"/>) and the GraphWrite log record
/// (<see cref="GraphWriteRecord"/>): written graphs and records read back exactly; damaged files
/// fail only with <see cref="CorruptDatabaseException"/> and damaged records only with
/// <see cref="FormatException"/>, within bounded memory and time. Half the damaged files get
/// their CRC recomputed, so the mutations reach the parser behind the checksum.
/// </summary>
public sealed class GraphFileFuzzTests
{
    private const long Generation = 5;

    private static readonly Gen<GraphTable> Graphs =
        Gen.Select(FuzzData.Metadata.Array[0, 6], Gen.Int, (properties, seed) => Build(properties, seed));

    private static readonly Gen<GraphWriteRecord> Records =
        Gen.Select(Graphs, WalRecordFuzzTests.Batches, Gen.Int, (graph, batch, seed) => Record(graph, batch, seed));

    private static GraphTable Build(IReadOnlyDictionary<string, object?>[] properties, int seed)
    {
        var random = new Random(seed);
        var graph = new GraphTable();
        for (int n = 0; n < properties.Length; n++)
        {
            graph.UpsertNode(new GraphNode($"{n}:{FuzzData.RandomText(random)}", "label " + FuzzData.RandomText(random, 1))
            {
                // Non-blank, as input requires (a blank type is damage on read).
                Type = random.Next(2) == 0 ? null : "type " + FuzzData.RandomText(random),
                Text = random.Next(2) == 0 ? null : FuzzData.RandomText(random),
                Properties = properties[n],
            });
        }

        GraphNode[] nodes = graph.Nodes().ToArray();
        for (int e = 0; nodes.Length > 0 && e < random.Next(0, 10); e++)
        {
            graph.UpsertEdge(new GraphEdge(nodes[random.Next(nodes.Length)].Id, "rel" + random.Next(3), nodes[random.Next(nodes.Length)].Id)
            {
                Id = $"e{e}",
                Fact = random.Next(2) == 0 ? null : FuzzData.RandomText(random),
                Properties = properties[random.Next(properties.Length)],
            });
        }

        return graph;
    }

    private static GraphWriteRecord Record(GraphTable graph, UpsertBatch batch, int seed)
    {
        var random = new Random(seed);
        return new GraphWriteRecord
        {
            NodeUpserts = graph.Nodes().ToArray(),
            EdgeUpserts = graph.Edges().ToArray(),
            NodeRemovals = Enumerable.Range(0, random.Next(3)).Select(i => $"gone{i}").ToArray(),
            EdgeRemovals = Enumerable.Range(0, random.Next(3)).Select(i => $"cut{i}").ToArray(),
            EntryRemovals = Enumerable.Range(0, random.Next(3)).Select(i => $"n:gone{i}").ToArray(),
            Entries = random.Next(3) == 0 ? null : batch,
        };
    }

    private static string Signature(GraphTable graph) =>
        string.Join("\n", graph.Nodes().Select(Describe).Concat(graph.Edges().Select(Describe)));

    private static string Describe(GraphNode n) => $"{n.Id}|{n.Label}|{n.Type}|{n.Text}|{Json(n.Properties!)}";

    private static string Describe(GraphEdge e) => $"{e.Id}|{e.Source}|{e.Relation}|{e.Target}|{e.Fact}|{Json(e.Properties!)}";

    private static string Json(IReadOnlyDictionary<string, object?> properties) => System.Text.Encoding.UTF8.GetString(MetadataCodec.Serialize(properties));

    private static byte[] Encode(GraphTable graph, TestFolder folder)
    {
        string path = folder.File("encode.graph");
        GraphFile.Write(path, Generation, graph, sync: false);
        return File.ReadAllBytes(path);
    }

    [Test]
    public void EveryGraphRoundTrips()
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        Graphs.Sample(
            graph =>
            {
                GraphTable back = GraphFile.Parse(Encode(graph, folder), "index.g5.graph", Generation);
                if (Signature(back) != Signature(graph) || back.NodeCount != graph.NodeCount || back.EdgeCount != graph.EdgeCount)
                {
                    throw new InvalidOperationException("the graph file read back differently");
                }
            },
            iter: FuzzRun.Iterations(FuzzRun.DefaultIterations / 2),
            time: FuzzRun.Seconds,
            threads: 1);
    }

    [Test]
    public void DamagedFilesFailOnlyWithCorruptDatabaseException()
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        Gen<byte[]> inputs = Gen.Select(Graphs, ByteMutations.Some, Gen.Bool, (graph, mutations, reseal) =>
        {
            byte[] damaged = ByteMutations.Apply(Encode(graph, folder), mutations);
            return reseal ? ByteMutations.Reseal(damaged) : damaged;
        });
        FuzzRun.Check(inputs, b => b.Length, b => GraphFile.Parse(b, "index.g5.graph", Generation), e => e is CorruptDatabaseException, FuzzRun.DefaultIterations * 2);
    }

    [Test]
    public void RandomBodiesBehindAValidHeaderFailOnlyWithCorruptDatabaseException()
    {
        Gen<byte[]> inputs = Gen.Byte.Array[0, 200].Select(body =>
        {
            var file = new ByteWriter(256);
            file.Bytes("LDBGRAPH"u8);
            file.U32(GraphFile.FormatVersion);
            file.U32(0);
            file.U64(Generation);
            file.U64((ulong)(body.Length > 0 ? body[0] % 6 : 0));
            file.U64((ulong)(body.Length > 1 ? body[1] % 6 : 0));
            file.Bytes(body);
            file.U32(0);
            return ByteMutations.Reseal(file.Written.ToArray());
        });
        FuzzRun.Check(inputs, b => b.Length, b => GraphFile.Parse(b, "index.g5.graph", Generation), e => e is CorruptDatabaseException);
    }

    [Test]
    public void ADamagedFileNamesItselfAndAnOffset()
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        var graph = new GraphTable();
        graph.UpsertNode(new GraphNode("a", "A") { Properties = MetadataCodec.Empty });
        graph.UpsertNode(new GraphNode("b", "B") { Properties = MetadataCodec.Empty });
        graph.UpsertEdge(new GraphEdge("a", "r", "b") { Id = "e", Properties = MetadataCodec.Empty });
        byte[] file = Encode(graph, folder);
        // An edge that names a node the file does not hold, behind a valid CRC.
        int at = file.AsSpan().LastIndexOf("b"u8);
        file[at] = (byte)'z';
        var ex = Assert.Throws<CorruptDatabaseException>(() => GraphFile.Parse(ByteMutations.Reseal(file), "index.g5.graph", Generation));
        Assert.That(ex!.File, Is.EqualTo("index.g5.graph"));
        Assert.That(ex.Offset, Is.GreaterThan(0));
        Assert.That(ex.Detail, Does.Contain("not a node"));
    }

    [Test]
    public void EveryGraphRecordRoundTrips()
    {
        Records.Sample(
            record =>
            {
                var back = (GraphWriteRecord)WalRecord.Decode(record.Encode());
                bool same = back.NodeUpserts.Select(Describe).SequenceEqual(record.NodeUpserts.Select(Describe))
                    && back.EdgeUpserts.Select(Describe).SequenceEqual(record.EdgeUpserts.Select(Describe))
                    && back.NodeRemovals.SequenceEqual(record.NodeRemovals)
                    && back.EdgeRemovals.SequenceEqual(record.EdgeRemovals)
                    && back.EntryRemovals.SequenceEqual(record.EntryRemovals)
                    && (back.Entries is null) == (record.Entries is null)
                    && (back.Entries is null || (back.Entries.Ids.SequenceEqual(record.Entries!.Ids) && back.Entries.Codes.AsSpan().SequenceEqual(record.Entries.Codes)));
                if (!same)
                {
                    throw new InvalidOperationException("the graph record read back differently");
                }
            },
            iter: FuzzRun.Iterations(FuzzRun.DefaultIterations / 2),
            time: FuzzRun.Seconds,
            threads: 1);
    }

    [Test]
    public void MutatedGraphRecordsFailOnlyWithFormatException()
    {
        Gen<byte[]> inputs = Gen.Select(Records.Select(r => r.Encode()), ByteMutations.Some, ByteMutations.Apply);
        FuzzRun.Check(inputs, b => b.Length, b => WalRecord.Decode(b), e => e is FormatException, FuzzRun.DefaultIterations * 2);
    }

    /// <summary>GraphWrite records nested in each other's entries blob (a crafted log), any op flags, mutated or not: never a recursion, only a <see cref="FormatException"/>.</summary>
    [Test]
    public void NestedGraphRecordsFailOnlyWithFormatException()
    {
        Gen<byte> flags = Gen.Int[0, 3].Select(f => (byte)(((f & 1) != 0 ? WalRecord.RescoreFlag : 0) | ((f & 2) != 0 ? WalRecord.ContentHashFlag : 0)));
        Gen<byte[]> nested = Gen.Select(Gen.Int[1, 4_000], flags, (depth, flag) => LodeDb.Tests.Graph.GraphRecordIntegrityTests.NestedGraphWrite(depth, (byte)(GraphWriteRecord.GraphWriteOp | flag)));
        Gen<byte[]> inputs = Gen.Select(nested, ByteMutations.Some, Gen.Bool, (bytes, mutations, mutate) => mutate ? ByteMutations.Apply(bytes, mutations) : bytes);
        FuzzRun.Check(inputs, b => b.Length, b => WalRecord.Decode(b), e => e is FormatException);
    }
}
