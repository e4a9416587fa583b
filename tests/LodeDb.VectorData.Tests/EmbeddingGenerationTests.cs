using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>
/// String vector properties embedded by the configured IEmbeddingGenerator (the real fixture
/// model, tests/fixtures/text-bert), and hybrid search over the full-text property.
/// </summary>
public sealed class EmbeddingGenerationTests
{
    private static readonly (string Text, string Topic)[] Texts =
    [
        ("the car mechanic fixed the engine and the brake", "vehicles"),
        ("my puppy barked at the vet", "dogs"),
        ("a pizza recipe for dinner in the kitchen", "food"),
        ("the bank raised the loan price", "money"),
        ("rain and storm in the weather forecast", "weather"),
        ("the laptop software has a bug in its code e1234", "computers"),
        ("the server program crashed on the keyboard", "computers"),
    ];

    private static async Task<VectorStoreCollection<Guid, Note>> Notes(LodeVectorStore store)
    {
        var notes = store.GetCollection<Guid, Note>("notes");
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync(Texts.Select(t => new Note { Id = Guid.NewGuid(), Text = t.Text, Topic = t.Topic, Embedding = t.Text }));
        return notes;
    }

    private static LodeVectorStore Open(TestFolder folder) =>
        LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { EmbeddingGenerator = TextFixture.Embedder.Value, Rescore = RescoreStorage.Float16 });

    [TestCase("automobile repair", "vehicles")]
    [TestCase("canine", "dogs")]
    [TestCase("physician and hospital food", "food")]
    [TestCase("cash budget", "money")]
    public async Task A_text_query_finds_the_record_of_its_meaning(string query, string topic)
    {
        using var folder = new TestFolder();
        using var store = Open(folder);
        var notes = await Notes(store);
        var best = await notes.SearchAsync(query, 1).SingleAsync();
        Assert.That(best.Record.Topic, Is.EqualTo(topic), $"'{query}' -> '{best.Record.Text}'");
        Assert.That(best.Record.Embedding, Is.Null, "the source text of an embedded property is not stored");
    }

    [Test]
    public async Task A_string_query_matches_the_embedding_of_the_same_text()
    {
        using var folder = new TestFolder();
        using var store = Open(folder);
        var notes = await Notes(store);
        var hit = await notes.SearchAsync(Texts[3].Text, 1).SingleAsync();
        Assert.That(hit.Record.Text, Is.EqualTo(Texts[3].Text));
        Assert.That(hit.Score, Is.GreaterThan(0.95), "the same text through the same model scores near 1 (4-bit codes)");
    }

    [Test]
    public async Task Filters_apply_to_text_search()
    {
        using var folder = new TestFolder();
        using var store = Open(folder);
        var notes = await Notes(store);
        var hits = await notes.SearchAsync("automobile repair", 10, new() { Filter = n => n.Topic == "computers" }).ToListAsync();
        Assert.That(hits.Select(h => h.Record.Topic), Is.EqualTo(new[] { "computers", "computers" }));
    }

    [Test]
    public async Task Hybrid_search_puts_the_exact_keyword_first()
    {
        using var folder = new TestFolder();
        using var store = Open(folder);
        var notes = await Notes(store);
        var hybrid = (IKeywordHybridSearchable<Note>)notes;

        // By meaning alone both computer notes are near "software bug"; the keyword singles one out.
        var vectorOnly = await notes.SearchAsync("software bug", 2).Select(h => h.Record.Topic).ToListAsync();
        Assert.That(vectorOnly, Is.EqualTo(new[] { "computers", "computers" }));
        var fused = await hybrid.HybridSearchAsync("server program", ["e1234"], 3).ToListAsync();
        Assert.That(fused[0].Record.Text, Does.Contain("e1234"));
        Assert.That(fused.Select(h => h.Score), Is.Ordered.Descending);
        // RRF: a record first in both rankings scores 2 / 61.
        var both = await hybrid.HybridSearchAsync("laptop software bug code", ["e1234"], 1).SingleAsync();
        Assert.That(both.Record.Text, Does.Contain("e1234"));
        Assert.That(both.Score, Is.EqualTo(2.0 / 61).Within(1e-12));
    }

    [Test]
    public async Task Hybrid_search_honours_the_filter_and_paging()
    {
        using var folder = new TestFolder();
        using var store = Open(folder);
        var notes = await Notes(store);
        var hybrid = (IKeywordHybridSearchable<Note>)notes;
        var filtered = await hybrid.HybridSearchAsync("laptop software", ["e1234"], 5, new() { Filter = n => n.Topic != "computers" }).ToListAsync();
        Assert.That(filtered.Select(h => h.Record.Topic), Has.None.EqualTo("computers"));
        Assert.That(filtered, Has.Count.EqualTo(5));

        var all = await hybrid.HybridSearchAsync("laptop software", ["e1234"], 7).Select(h => h.Record.Id).ToListAsync();
        var page = await hybrid.HybridSearchAsync("laptop software", ["e1234"], 3, new() { Skip = 2 }).Select(h => h.Record.Id).ToListAsync();
        Assert.That(page, Is.EqualTo(all.Skip(2).Take(3)));
    }

    [Test]
    public async Task Hybrid_search_without_a_full_text_property_is_rejected()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var collection = store.GetCollection<Guid, AllTypes>("plain");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(new AllTypes { Key = Guid.NewGuid(), Vector = [1, 0, 0, 0] });
        Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await ((IKeywordHybridSearchable<AllTypes>)collection).HybridSearchAsync(new float[] { 1, 0, 0, 0 }, ["word"], 1).ToListAsync());
    }
}
