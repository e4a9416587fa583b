using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>StoreText = false keeps node text and edge facts off the disk (log, generations, everything); Reindex rebuilds the entries durably.</summary>
public sealed class GraphPrivacyAndReindexTests
{
    private const string SecretText = "Margaret keeps the vault combination in the blue notebook";
    private const string SecretFact = "Margaret paid the surgeon in cash on Tuesday";

    [TestCase(CommitMode.Wal, true)]
    [TestCase(CommitMode.Generation, false)]
    public async Task NoNodeTextOrEdgeFactReachesTheDiskWithoutStoreText(CommitMode mode, bool indexText)
    {
        using var folder = new TestFolder();
        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        var options = TextFixture.Options(storeText: false, indexText: indexText, mode: mode) with { Embedder = embedder };
        using (var db = LodeDatabase.Open(folder.Path, options))
        using (var graph = LodeGraph.Open(db, new GraphOptions { IndexEdges = true }))
        {
            Assert.That(graph.StoresText, Is.False);
            await graph.AddNodesAsync([new GraphNode("m", "Margaret") { Text = SecretText }, new GraphNode("s", "Surgeon") { Text = "A doctor at the clinic." }]);
            await graph.AddEdgeAsync(new GraphEdge("m", "paid", "s") { Id = "p", Fact = SecretFact });
            Assert.That(embedder.Texts, Is.EqualTo(3), "the graph embeds with the database's own embedder instance");
            Assert.That(graph.GetNode("m")!.Text, Is.Null, "not kept, so not returned");
            Assert.That(graph.GetEdge("p")!.Fact, Is.Null);
            Assert.That((await graph.SearchNodesAsync("vault combination notebook", 1))[0].Node.Id, Is.EqualTo("m"), "the text was embedded");
            if (indexText)
            {
                Assert.That(graph.SearchNodes("notebook", 1, SearchMode.Lexical)[0].Node.Id, Is.EqualTo("m"), "terms are kept with IndexText");
            }

            AssertNoSecretOnDisk(folder.Path, "after the writes (in the log)");
            graph.Persist();
            AssertNoSecretOnDisk(folder.Path, "after a checkpoint");
            Assert.That(graph.Reindex().Kept, Is.EqualTo(3), "without stored text the entries are kept, not re-embedded");
        }

        AssertNoSecretOnDisk(folder.Path, "after dispose");
        int before = embedder.Texts;
        using var reopenedDb = LodeDatabase.Open(folder.Path, options);
        using var reopened = LodeGraph.Open(reopenedDb);
        Assert.That(embedder.Texts, Is.EqualTo(before), "replay never re-embeds");
        Assert.That(reopened.GetNode("m")!.Label, Is.EqualTo("Margaret"), "labels are structure and are kept");
        Assert.That((await reopened.SearchNodesAsync("vault combination notebook", 1))[0].Node.Id, Is.EqualTo("m"));
    }

    private static void AssertNoSecretOnDisk(string folder, string when)
    {
        Assert.That(Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Has.Some.Match(@"index\.g\d+\.(wal|journal|graph)"), "sanity: the scan sees the graph's files");
        foreach (string secret in new[] { SecretText, SecretFact, "vault combination", "in cash on Tuesday" })
        {
            Assert.That(TextFixture.FilesContaining(folder, secret), Is.Empty, $"'{secret}' on disk {when}");
        }
    }

    [Test]
    public async Task ReindexReembedsStoredTextAndDropsOrphansDurably()
    {
        using var folder = new TestFolder();
        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        var options = TextFixture.Options() with { Embedder = embedder };
        using (var db = LodeDatabase.Open(folder.Path, options))
        using (var graph = LodeGraph.Open(db, new GraphOptions { IndexEdges = true }))
        {
            await graph.AddNodesAsync([new GraphNode("a", "Doctor") { Text = "physician at the hospital" }, new GraphNode("b", "Chef") { Text = "pizza" }]);
            await graph.AddEdgeAsync(new GraphEdge("a", "treats", "b") { Id = "t" });
            Assert.That(graph.EntryCount, Is.EqualTo(3));
        }

        // Opened without IndexEdges, the edge's entry is an orphan.
        using (var db = LodeDatabase.Open(folder.Path, options))
        using (var graph = LodeGraph.Open(db))
        {
            int calls = embedder.Texts;
            GraphReindexResult result = await graph.ReindexAsync();
            Assert.That(result, Is.EqualTo(new GraphReindexResult(Embedded: 2, Kept: 0, Removed: 1)));
            Assert.That(embedder.Texts - calls, Is.EqualTo(2), "the two nodes were embedded again from their stored text");
            Assert.That(graph.HasEntry("e:t"), Is.False);
            Assert.That(graph.EntryCount, Is.EqualTo(2));
            Assert.That((await graph.SearchNodesAsync("nurse", 1))[0].Node.Id, Is.EqualTo("a"));
        }

        using (var db = LodeDatabase.Open(folder.Path, options))
        using (var graph = LodeGraph.Open(db, new GraphOptions { IndexEdges = true }))
        {
            Assert.That(graph.EntryCount, Is.EqualTo(2), "the drop was logged");
            Assert.That(graph.SearchEdges("treats", 5, SearchMode.Lexical), Is.Empty);
            GraphReindexResult result = graph.Reindex();
            Assert.That(result.Removed, Is.EqualTo(0));
            Assert.That(graph.HasEntry("e:t"), Is.True, "with IndexEdges the edge is indexed again");
            Assert.That(graph.SearchEdges("treats", 5, SearchMode.Lexical).Select(h => h.Edge.Id), Is.EqualTo(new[] { "t" }));
        }
    }

    [Test]
    public void ReindexOfAVectorOnlyGraphKeepsCallerVectors()
    {
        using var folder = new TestFolder();
        using var graph = LodeGraph.Open(folder.Path, GraphTestData.VectorOptions());
        graph.AddNodes(GraphTestData.CompanyNodes(vectors: true));
        graph.AddNode(GraphTestData.Node("plain", "Plain", vector: false));
        string[] before = GraphSignature.Of(graph, GraphTestData.VectorFor);
        Assert.That(graph.Reindex(), Is.EqualTo(new GraphReindexResult(0, 6, 0)));
        Assert.That(GraphSignature.Of(graph, GraphTestData.VectorFor), Is.EqualTo(before));
    }
}
