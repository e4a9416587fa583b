namespace LodeDb.Tests;

/// <summary>Text documents (the fixture model, chunked) go through the same sidecar rows as vectors.</summary>
public sealed class RescoreTextTests
{
    private static LodeDbOptions Options(RescoreStorage? rescore) => new()
    {
        Embedder = TextFixture.Embedder.Value,
        ModelName = TextFixture.ModelName,
        MaxChunkChars = CrashTexts.MaxChunkChars,
        Rescore = rescore,
        CheckpointEveryRecords = 1000,
    };

    [Test]
    public void ChunkRowsAreReScoredFromTheSidecarAndSurviveAReopen()
    {
        string[] texts = Enumerable.Range(0, 12).Select(CrashTexts.Text).Append("car mechanic").Append("dog food").ToArray();
        string[] ids = Enumerable.Range(0, 12).Select(i => $"t{i}").Append("car").Append("dog").ToArray();
        string[] queries = ["car mechanic", "the puppy barks at the vet", "Ticket E1003 storm rain", "bank loan price"];
        using var folder = new TestFolder();
        List<(string Id, float Score, int Chunk)[]> expected;
        using (var db = LodeDatabase.Open(folder.Path, Options(RescoreStorage.Float16)))
        {
            db.AddMany(texts, ids);
            LodeStats stats = db.Stats();
            Assert.That(stats.SlotCount, Is.GreaterThan(stats.Count), "long texts were split into chunks");
            Assert.That(stats.RescoreOverflowRows, Is.EqualTo(stats.SlotCount), "every chunk row has a sidecar row");

            IReadOnlyList<SearchHit> exact = db.Search("car mechanic", 3);
            Assert.That(exact[0].Id, Is.EqualTo("car"));
            Assert.That(exact[0].Score, Is.EqualTo(1f).Within(0.002f), "the same text embeds to the same vector: the exact cosine is 1");
            expected = queries.Select(q => db.Search(q, 5).Select(h => (h.Id, h.Score, h.Chunk)).ToArray()).ToList();
            Assert.That(expected.All(hits => hits.Select(h => h.Id).Distinct().Count() == hits.Length), Is.True, "one hit per document");
        }

        using (var reopened = LodeDatabase.Open(folder.Path, Options(rescore: null)))
        {
            Assert.That(reopened.Rescore, Is.EqualTo(RescoreStorage.Float16));
            Assert.That(reopened.Stats().RescoreMapped, Is.True);
            for (int q = 0; q < queries.Length; q++)
            {
                Assert.That(reopened.Search(queries[q], 5).Select(h => (h.Id, h.Score, h.Chunk)), Is.EqualTo(expected[q]), queries[q]);
            }
        }
    }
}
