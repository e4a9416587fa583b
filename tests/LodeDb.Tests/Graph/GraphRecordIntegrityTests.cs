using System.Buffers.Binary;
using LodeDb.Graph;
using LodeDb.Native;

namespace LodeDb.Tests.Graph;

/// <summary>
/// A graph record is whole or nothing: a repair applies it exactly or refuses all of it; a nested
/// or out-of-rule record is a <see cref="FormatException"/>; a graph file that breaks the writer's
/// input rules is damage.
/// </summary>
public sealed class GraphRecordIntegrityTests
{
    private static LodeDbOptions WalOptions() => GraphTestData.VectorOptions(mode: CommitMode.Wal) with { CheckpointEveryRecords = 100_000 };

    private static string WalOf(string folder) => Directory.GetFiles(folder, "index.g*.wal").Single();

    /// <summary>Damages frame <paramref name="frame"/> of the graph folder's WAL (frame 0 is the Begin record).</summary>
    private static void DamageFrame(string folder, int frame)
    {
        string wal = WalOf(folder);
        byte[] bytes = File.ReadAllBytes(wal);
        bytes[WalDamageTests.FrameOffsets(bytes)[frame] + 25] ^= 0x01;
        File.WriteAllBytes(wal, bytes);
    }

    [Test]
    public void RepairSalvagesAGraphRecordWholeOrNotAtAll()
    {
        using var source = new TestFolder();
        using var graph = LodeGraph.Open(source.Path, WalOptions());
        graph.AddNodes([GraphTestData.Node("x", "X"), GraphTestData.Node("y", "Y")]); // frame 1
        graph.AddNode(GraphTestData.Node("z", "Z"));                                    // frame 2: damaged below
        using (GraphIngest ingest = graph.BeginIngest())                              // frame 3: one call, one record
        {
            ingest.AddNode(GraphTestData.Node("w", "W"));
            ingest.AddEdge(GraphTestData.Edge("xz", "x", "knows", "z"));
            ingest.Commit();
        }

        using TestFolder crashed = source.CrashCopy();
        DamageFrame(crashed.Path, 2);
        RepairReport report = LodeDatabase.Repair(crashed.Path);
        Assert.That(report.RecordsLost, Is.EqualTo(2), "the damaged record, and the ingest record that needs its node z");
        Assert.That(LodeDatabase.Verify(crashed.Path).IsClean, Is.True);

        using var repaired = LodeGraph.Open(crashed.Path, WalOptions());
        Assert.That(repaired.ContainsNode("w"), Is.False, "the ingest record is reported lost, so none of it may be in the repaired graph");
        Assert.That(repaired.HasEntry("n:w"), Is.False);
        Assert.That(repaired.NodeCount, Is.EqualTo(2));
        Assert.That(repaired.NodeCount, Is.EqualTo(repaired.EntryCount), "every node of a vector graph has its entry");
    }

    [Test]
    public void RepairLeavesNoOrphanEntryWhenACascadeNoLongerApplies()
    {
        using var source = new TestFolder();
        var options = new GraphOptions { IndexEdges = true };
        using var graph = LodeGraph.Open(source.Path, WalOptions(), options);
        using (GraphIngest ingest = graph.BeginIngest())                                 // frame 1
        {
            ingest.AddNodes([GraphTestData.Node("x", "X"), GraphTestData.Node("y", "Y")]);
            ingest.AddEdges([
                GraphTestData.Edge("e1", "x", "knows", "y") with { Vector = GraphTestData.VectorFor("e1") },
                GraphTestData.Edge("e3", "x", "likes", "y") with { Vector = GraphTestData.VectorFor("e3") },
            ]);
            ingest.Commit();
        }

        graph.RemoveEdge("e1");   // frame 2: damaged below
        graph.RemoveNode("x");    // frame 3: lists e3 (e1 is gone already), x, and their entries

        using TestFolder crashed = source.CrashCopy();
        DamageFrame(crashed.Path, 2);
        RepairReport report = LodeDatabase.Repair(crashed.Path);
        Assert.That(report.RecordsLost, Is.EqualTo(2), "the damaged removal, and the node removal whose cascade misses e1");

        // Whole or nothing: the node removal would leave x with e1, so none of it applies.
        using var repaired = LodeGraph.Open(crashed.Path, WalOptions(), options);
        Assert.That(repaired.ContainsNode("x"), Is.True);
        Assert.That(repaired.GetEdge("e3"), Is.Not.Null);
        Assert.That(repaired.HasEntry("e:e3"), Is.True, "an edge's entry lives exactly as long as the edge");
        Assert.That(repaired.EntryCount, Is.EqualTo(repaired.NodeCount + repaired.EdgeCount));
    }

    [Test]
    public void RepairRefusesAGraphRecordWhoseEntriesTheIndexRefuses()
    {
        using var source = new TestFolder();
        using var graph = LodeGraph.Open(source.Path, WalOptions());
        graph.AddNodes([GraphTestData.Node("x", "X"), GraphTestData.Node("y", "Y")]); // frame 1
        using (GraphIngest ingest = graph.BeginIngest())                              // frame 2: rewritten below
        {
            ingest.AddNode(GraphTestData.Node("w", "W"));
            ingest.AddEdge(GraphTestData.Edge("xy", "x", "knows", "y"));
            ingest.Commit();
        }

        // The same record with a non-finite scale behind a valid CRC (a crafted or buggy log):
        // the native index refuses the row only after the nodes and edges would have applied.
        using TestFolder crashed = source.CrashCopy();
        string wal = WalOf(crashed.Path);
        byte[] bytes = File.ReadAllBytes(wal);
        long at = WalDamageTests.FrameOffsets(bytes)[2];
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at + 8));
        var record = (GraphWriteRecord)WalRecord.Decode(bytes.AsSpan((int)at + 20, length).ToArray());
        record.Entries!.Scales[0] = float.NaN;
        File.WriteAllBytes(wal, [.. bytes.AsSpan(0, (int)at), .. NativeWal.Encode(record.Encode())]);

        RepairReport report = LodeDatabase.Repair(crashed.Path);
        Assert.That(report.RecordsLost, Is.EqualTo(1));
        using var repaired = LodeGraph.Open(crashed.Path, WalOptions());
        Assert.That(repaired.ContainsNode("w"), Is.False);
        Assert.That(repaired.GetEdge("xy"), Is.Null);
        Assert.That(repaired.EntryCount, Is.EqualTo(2));
    }

    [Test]
    public void AGraphFileWithAnEmptyTypeIsDamage()
    {
        // The writer never produces an empty type (input refuses a blank one), so a file holding one is damage.
        foreach (string type in new[] { "", " \n" })
        {
            var table = new GraphTable();
            table.UpsertNode(new GraphNode("a", "A") { Type = type, Properties = MetadataCodec.Empty });
            Assert.That(Parse(table), Does.Contain("blank node type"));
        }
    }

    [Test]
    public void AGraphFileBeyondTheInputLimitsIsDamage()
    {
        var longName = new GraphTable();
        longName.UpsertNode(new GraphNode("a", new string('l', GraphLimits.MaxNameLength + 1)) { Properties = MetadataCodec.Empty });
        Assert.That(Parse(longName), Does.Contain("node label"));

        var longId = new GraphTable();
        longId.UpsertNode(new GraphNode(new string('i', GraphLimits.MaxIdLength + 1), "A") { Properties = MetadataCodec.Empty });
        Assert.That(Parse(longId), Does.Contain("node id"));

        var blankRelation = new GraphTable();
        blankRelation.UpsertNode(new GraphNode("a", "A") { Properties = MetadataCodec.Empty });
        blankRelation.UpsertEdge(new GraphEdge("a", " ", "a") { Id = "e", Properties = MetadataCodec.Empty });
        Assert.That(Parse(blankRelation), Does.Contain("edge relation"));
    }

    /// <summary>Writes the table as a graph file and returns the detail of the damage its parse reports.</summary>
    private static string Parse(GraphTable table)
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        string path = folder.File("index.g1.graph");
        GraphFile.Write(path, 1, table, sync: false);
        byte[] data = File.ReadAllBytes(path);
        var ex = Assert.Throws<CorruptDatabaseException>(() => GraphFile.Parse(data, "index.g1.graph", 1));
        Assert.That(ex!.File, Is.EqualTo("index.g1.graph"));
        Assert.That(ex.Offset, Is.GreaterThan(0));
        return ex.Detail;
    }

    /// <summary>
    /// A GraphWrite record whose entries blob holds another GraphWrite record, <paramref name="depth"/>
    /// levels deep (CRC-valid bytes: a crafted or buggy log); <paramref name="innerOp"/> is the op
    /// byte of each nested record.
    /// </summary>
    internal static byte[] NestedGraphWrite(int depth, byte innerOp = GraphWriteRecord.GraphWriteOp)
    {
        const int Level = 1 + (5 * 4) + 4; // op, five empty lists, entries blob length
        var payload = new byte[checked((Level * depth) + Level)];
        for (int at = 0; at < payload.Length; at += Level)
        {
            payload[at] = at == 0 ? GraphWriteRecord.GraphWriteOp : innerOp;
            if (at + Level < payload.Length)
            {
                // The entries blob holds every level below (the innermost has none: all zero).
                BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(at + 21), (uint)(payload.Length - at - Level));
            }
        }

        return payload;
    }

    [Test]
    public void ANestedGraphWriteIsAFormatExceptionAtAnyDepth()
    {
        Assert.Throws<FormatException>(() => WalRecord.Decode(NestedGraphWrite(1)));
        Assert.Throws<FormatException>(() => WalRecord.Decode(NestedGraphWrite(2)));
        Assert.Throws<FormatException>(() => WalRecord.Decode(NestedGraphWrite(16_000))); // a 400 KB record
        Assert.Throws<FormatException>(() => WalRecord.Decode(NestedGraphWrite(1_000_000))); // 25 MB: once a stack overflow
        foreach (byte flags in new byte[] { WalRecord.RescoreFlag, WalRecord.ContentHashFlag, WalRecord.RescoreFlag | WalRecord.ContentHashFlag })
        {
            Assert.Throws<FormatException>(() => WalRecord.Decode(NestedGraphWrite(3, (byte)(GraphWriteRecord.GraphWriteOp | flags))));
        }

        Assert.That(((GraphWriteRecord)WalRecord.Decode(NestedGraphWrite(0))).IsEmpty, Is.True, "the builder's innermost record alone is valid");
    }
}
