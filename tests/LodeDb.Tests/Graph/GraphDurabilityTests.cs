using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>
/// The graph store reuses the database folder machinery: persistence across reopen and
/// checkpoints in both commit modes, read-only refusal, identity pinning, folder-kind checks, a
/// damaged graph file failing closed, and the parent database's Verify/Repair/collections.
/// </summary>
public sealed class GraphDurabilityTests
{
    [TestCase(CommitMode.Wal, false)]
    [TestCase(CommitMode.Wal, true)]
    [TestCase(CommitMode.Generation, false)]
    [TestCase(CommitMode.Generation, true)]
    public void TheGraphRoundTripsThroughReopenAndCheckpoints(CommitMode mode, bool checkpointEveryWrite)
    {
        using var folder = new TestFolder();
        var options = GraphTestData.VectorOptions(mode: mode) with { CheckpointEveryRecords = checkpointEveryWrite ? 1 : 10_000 };
        var graphOptions = new GraphOptions { IndexEdges = true };
        string[] before;
        using (var graph = LodeGraph.Open(folder.Path, options, graphOptions))
        {
            graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
            graph.AddEdges(GraphTestData.CompanyEdges().Select(e => e with { Vector = GraphTestData.VectorFor(e.Id!) }).ToArray());
            graph.AddNode(GraphTestData.Node("alice", "Alice Smith", "person", "Renamed."));
            graph.RemoveEdge("e4");
            graph.AddEdge(GraphTestData.Edge("e7", "globex", "partners_with", "acme") with { Properties = new Dictionary<string, object?> { ["since"] = 2020, ["deal"] = new Dictionary<string, object?> { ["value"] = 1.5 } } });
            before = GraphSignature.Of(graph, GraphTestData.VectorFor);
        }

        Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName), Has.Some.Match(@"index\.g\d+\.graph"));
        using (var reopened = LodeGraph.Open(folder.Path, options, graphOptions))
        {
            Assert.That(GraphSignature.Of(reopened, GraphTestData.VectorFor), Is.EqualTo(before), "after the log replay");
            Assert.That(reopened.GetEdge("e7")!.Properties!["deal"], Is.EqualTo(new Dictionary<string, object?> { ["value"] = 1.5 }));
            Assert.That(reopened.GetEdge("e7")!.Properties!["since"], Is.EqualTo(2020L));
            reopened.Persist();
        }

        using var checkpointed = LodeGraph.Open(folder.Path, options with { ReadOnly = true }, graphOptions);
        Assert.That(GraphSignature.Of(checkpointed, GraphTestData.VectorFor), Is.EqualTo(before), "from the .graph file of a checkpoint");
    }

    [Test]
    public void AReadOnlyGraphRefusesEveryWriteAndStoresNothing()
    {
        using var folder = new TestFolder();
        using (var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()))
        {
            graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        }

        Dictionary<string, byte[]> files = Files(folder.Path);
        using var readOnly = LodeGraph.Open(folder.Path, new LodeDbOptions { ReadOnly = true });
        Assert.That(readOnly.IsReadOnly, Is.True);
        Assert.Throws<ReadOnlyException>(() => readOnly.AddNode(GraphTestData.Node("z", "Z")));
        Assert.ThrowsAsync<ReadOnlyException>(() => readOnly.AddNodesAsync([GraphTestData.Node("z", "Z")]));
        Assert.Throws<ReadOnlyException>(() => readOnly.AddEdge(GraphTestData.Edge("x", "alice", "knows", "bob")));
        Assert.Throws<ReadOnlyException>(() => readOnly.RemoveNode("alice"));
        Assert.Throws<ReadOnlyException>(() => readOnly.RemoveEdges(["e1"]));
        Assert.Throws<ReadOnlyException>(() => readOnly.BeginIngest());
        Assert.Throws<ReadOnlyException>(() => readOnly.Reindex());
        Assert.Throws<ReadOnlyException>(() => readOnly.Persist());
        Assert.That(readOnly.NodeCount, Is.EqualTo(6));
        Assert.That(Files(folder.Path), Is.EqualTo(files), "nothing changed on disk");

        // A read-only database opens its graph read-only.
        using var dbFolder = new TestFolder();
        using (var db = LodeDatabase.Open(dbFolder.Path, GraphTestData.VectorOptions()))
        using (var graph = LodeGraph.Open(db))
        {
            graph.AddNode(GraphTestData.Node("a", "A"));
        }

        using var readOnlyDb = LodeDatabase.OpenReadOnly(dbFolder.Path);
        using var readOnlyGraph = LodeGraph.Open(readOnlyDb);
        Assert.That(readOnlyGraph.IsReadOnly, Is.True);
        Assert.That(readOnlyGraph.GetNode("a")!.Label, Is.EqualTo("A"));
        Assert.Throws<ReadOnlyException>(() => readOnlyGraph.RemoveNode("a"));
    }

    /// <summary>Every file of a folder but the readers' pin files, by name.</summary>
    private static Dictionary<string, byte[]> Files(string folder) =>
        Directory.GetFiles(folder).Where(f => !f.EndsWith(".pin", StringComparison.Ordinal)).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Test]
    public void TheGraphIsPinnedToItsIdentity()
    {
        using var folder = new TestFolder();
        LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()).Dispose();
        var ex = Assert.Throws<IdentityMismatchException>(() => LodeGraph.Open(folder.Path, new LodeDbOptions { VectorDim = GraphTestData.Dim * 2 }));
        Assert.That(ex!.Field, Is.EqualTo("VectorDim"));

        // A database whose graph folder was created for another identity refuses to open it.
        using var dbFolder = new TestFolder();
        using var db = LodeDatabase.Open(dbFolder.Path, GraphTestData.VectorOptions());
        LodeGraph.Open(Path.Combine(dbFolder.Path, LodeGraph.FolderName), new LodeDbOptions { VectorDim = 8 }).Dispose();
        Assert.Throws<IdentityMismatchException>(() => LodeGraph.Open(db));
    }

    [Test]
    public void AGraphFolderAndAnIndexFolderAreNotOpenedAsEachOther()
    {
        using var indexFolder = new TestFolder();
        LodeDatabase.Open(indexFolder.Path, GraphTestData.VectorOptions()).Dispose();
        Assert.Throws<FolderKindMismatchException>(() => LodeGraph.Open(indexFolder.Path, GraphTestData.VectorOptions()));

        using var graphFolder = new TestFolder();
        using (var graph = LodeGraph.Open(graphFolder.Path, GraphTestData.VectorOptions()))
        {
            graph.AddNode(GraphTestData.Node("a", "A"));
        }

        Assert.Throws<FolderKindMismatchException>(() => LodeDatabase.Open(graphFolder.Path, GraphTestData.VectorOptions()));
        using var readOnly = LodeDatabase.OpenReadOnly(graphFolder.Path);
        Assert.That(readOnly.Count(), Is.EqualTo(1), "a read-only look at the entries is allowed");
    }

    [Test]
    public void ADamagedGraphFileFailsClosedNamingItself()
    {
        using var folder = new TestFolder();
        using (var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()))
        {
            graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
            graph.AddEdges(GraphTestData.CompanyEdges());
            graph.Persist();
        }

        string file = Directory.GetFiles(folder.Path, "index.g*.graph").Single();
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(file, bytes);
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()));
        Assert.That(ex!.File, Is.EqualTo(Path.GetFileName(file)));
        Assert.Throws<CorruptDatabaseException>(() => LodeGraph.Open(folder.Path, GraphTestData.VectorOptions() with { ReadOnly = true }));
        VerifyReport report = LodeDatabase.Verify(folder.Path);
        Assert.That(report.Problems.Select(p => p.File), Does.Contain(Path.GetFileName(file)));

        File.Delete(file);
        var missing = Assert.Throws<CorruptDatabaseException>(() => LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()));
        Assert.That(missing!.Detail, Does.Contain("missing"));
    }

    [Test]
    public void TheParentDatabaseVerifiesRepairsAndListsWithItsGraphFolder()
    {
        using var folder = new TestFolder();
        using (var db = LodeDatabase.Open(folder.Path, GraphTestData.VectorOptions()))
        {
            db.AddVector(GraphTestData.VectorFor("doc"), "doc");
            using var graph = LodeGraph.Open(db);
            Assert.That(graph.Path, Is.EqualTo(Path.Combine(db.Path, "graph")));
            graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
            graph.AddEdges(GraphTestData.CompanyEdges());
            Assert.That(db.Count(), Is.EqualTo(1), "graph entries never land in the database");
            db.Persist();
            Assert.That(Directory.Exists(Path.Combine(folder.Path, "graph")), Is.True, "a checkpoint's sweep leaves the graph folder alone");
        }

        VerifyReport verify = LodeDatabase.Verify(folder.Path);
        Assert.That(verify.Problems, Is.Empty);
        RepairReport repair = LodeDatabase.Repair(folder.Path);
        Assert.That(repair.Applied, Is.False);
        Assert.That(repair.Damage, Is.Empty);

        // Damage in the graph's log is reported under graph/ by the parent's Verify.
        string graphFolder = Path.Combine(folder.Path, "graph");
        string wal = Directory.GetFiles(graphFolder, "index.g*.wal").Single();
        byte[] bytes = File.ReadAllBytes(wal);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(wal, bytes);
        Assert.That(LodeDatabase.Verify(folder.Path).Problems.Select(p => p.File), Has.Some.StartsWith("graph/index.g"));

        using var reopened = LodeDatabase.Open(folder.Path);
        Assert.That(reopened.Count(), Is.EqualTo(1));
        Assert.That(reopened.Get("doc"), Is.Not.Null);
    }

    [Test]
    public void ACollectionSpaceHasItsOwnGraph()
    {
        using var folder = new TestFolder();
        using var collection = LodeCollection.Open(folder.Path);
        LodeDatabase space = collection.Space("people", GraphTestData.VectorOptions());
        using (var graph = LodeGraph.Open(space))
        {
            graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        }

        Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "people" }));
        Assert.That(LodeDatabase.Verify(folder.Path).Problems, Is.Empty);
        using var again = LodeGraph.Open(collection.Space("people"));
        Assert.That(again.NodeCount, Is.EqualTo(6));
    }

    [Test]
    public void AGraphRootIsMarkedSoAReleaseWithoutGraphsRefusesIt()
    {
        using var folder = new TestFolder();
        using (var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()))
        {
            graph.AddNode(GraphTestData.Node("a", "A"));
        }

        string rootPath = folder.File("index.commit.json");
        string root = File.ReadAllText(rootPath);
        string graphFile;
        using (var json = System.Text.Json.JsonDocument.Parse(root))
        {
            Assert.That(json.RootElement.GetProperty("identity").GetProperty("formatVersion").GetInt32(), Is.EqualTo(2));
            graphFile = json.RootElement.GetProperty("graphFile").GetString()!;
            Assert.That(graphFile, Does.Match(@"index\.g\d+\.graph"));
        }

        // A root that names a graph file without the graph format (or the reverse) is damage.
        File.WriteAllText(rootPath, root.Replace($"\"{graphFile}\"", "\"\"", StringComparison.Ordinal));
        var ex = Assert.Throws<CorruptDatabaseException>(() => LodeGraph.Open(folder.Path, GraphTestData.VectorOptions()));
        Assert.That(ex!.File, Is.EqualTo("index.commit.json"));
    }

    [Test]
    public void AGraphFollowsItsDatabasesSidecarAndBits()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, GraphTestData.VectorOptions() with { Rescore = RescoreStorage.Int8, BitWidth = 2, Seed = 99 });
        using var graph = LodeGraph.Open(db);
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        Assert.That(Directory.GetFiles(graph.Path, "index.g*.rescore"), Is.Not.Empty);
        Assert.That(graph.SearchNodesByVector(GraphTestData.VectorFor("oven"), 1)[0].Node.Id, Is.EqualTo("oven"));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(graph.Path, "index.commit.json")));
        System.Text.Json.JsonElement identity = json.RootElement.GetProperty("identity");
        Assert.That((identity.GetProperty("storageProfile").GetString(), identity.GetProperty("seed").GetUInt64()), Is.EqualTo(("turboquant-b2+int8", 99UL)));
    }
}
