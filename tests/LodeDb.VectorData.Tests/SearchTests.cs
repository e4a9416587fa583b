using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>Vector search: ranking, Top/Skip paging, scores, thresholds, inputs, distance functions.</summary>
public sealed class SearchTests
{
    /// <summary>Ten hotels on unit vectors at growing angles from axis 0: hotel-0 is nearest to the axis, hotel-9 farthest.</summary>
    private static async Task<VectorStoreCollection<string, Hotel>> Fill(LodeVectorStore store, string name = "hotels", VectorStoreCollectionDefinition? definition = null)
    {
        var hotels = store.GetCollection<string, Hotel>(name, definition);
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(Enumerable.Range(0, 10).Select(i => new Hotel
        {
            HotelId = $"hotel-{i}",
            Rating = i,
            Embedding = Angle(i * 0.15),
        }));
        return hotels;
    }

    private static float[] Angle(double radians)
    {
        var v = new float[8];
        v[0] = (float)Math.Cos(radians);
        v[1] = (float)Math.Sin(radians);
        return v;
    }

    [Test]
    public async Task Results_come_best_first_with_cosine_scores()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        var results = await hotels.SearchAsync(Angle(0), 10).ToListAsync();

        Assert.That(results.Select(r => r.Record.HotelId), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"hotel-{i}")));
        for (int i = 0; i < results.Count; i++)
        {
            // With the float16 sidecar the scores are exact cosines to within half precision.
            Assert.That(results[i].Score, Is.EqualTo(Math.Cos(i * 0.15)).Within(2e-3), $"hotel-{i}");
        }
    }

    [Test]
    public async Task Top_and_Skip_page_through_the_ranking()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        var all = await hotels.SearchAsync(Angle(0), 10).Select(r => r.Record.HotelId).ToListAsync();
        var page1 = await hotels.SearchAsync(Angle(0), 3).Select(r => r.Record.HotelId).ToListAsync();
        var page2 = await hotels.SearchAsync(Angle(0), 3, new() { Skip = 3 }).Select(r => r.Record.HotelId).ToListAsync();
        var last = await hotels.SearchAsync(Angle(0), 3, new() { Skip = 9 }).Select(r => r.Record.HotelId).ToListAsync();
        var beyond = await hotels.SearchAsync(Angle(0), 3, new() { Skip = 20 }).ToListAsync();

        Assert.That(page1, Is.EqualTo(all.Take(3)));
        Assert.That(page2, Is.EqualTo(all.Skip(3).Take(3)));
        Assert.That(last, Is.EqualTo(new[] { all[9] }));
        Assert.That(beyond, Is.Empty);
    }

    [Test]
    public async Task Top_larger_than_the_collection_returns_every_record_and_no_padding()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        Assert.That(await hotels.SearchAsync(Angle(0), 50).CountAsync(), Is.EqualTo(10));
        Assert.That(await hotels.SearchAsync(Angle(0), 50, new() { Filter = h => h.Rating >= 7 }).CountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task Top_plus_Skip_past_int_MaxValue_is_an_empty_page_not_an_overflow()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        var far = new VectorSearchOptions<Hotel> { Skip = int.MaxValue };
        Assert.That(await hotels.SearchAsync(Angle(0), 10, far).CountAsync(), Is.Zero);
        var hybrid = (IKeywordHybridSearchable<Hotel>)hotels;
        Assert.That(await hybrid.HybridSearchAsync(Angle(0), ["hotel"], 10, new HybridSearchOptions<Hotel> { Skip = int.MaxValue }).CountAsync(), Is.Zero);
    }

    [Test]
    public async Task A_Guid_keyed_collection_over_a_row_whose_id_is_not_a_Guid_is_a_typed_error()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var byString = store.GetCollection<string, StringKeyed>("mixed");
        await byString.EnsureCollectionExistsAsync();
        await byString.UpsertAsync(new StringKeyed { Id = "not-a-guid", Vector = [1, 0, 0, 0] });
        var byGuid = store.GetCollection<Guid, GuidKeyed>("mixed");
        var ex = Assert.ThrowsAsync<InvalidOperationException>(async () => await byGuid.SearchAsync(new float[] { 1, 0, 0, 0 }, 1).ToListAsync());
        Assert.That(ex!.Message, Does.Contain("not-a-guid"));
    }

    [Test]
    public async Task ScoreThreshold_drops_weaker_hits()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        var results = await hotels.SearchAsync(Angle(0), 10, new() { ScoreThreshold = Math.Cos(0.5) }).ToListAsync();
        // cos(i * 0.15) >= cos(0.5) for i * 0.15 <= 0.5: i = 0..3.
        Assert.That(results.Select(r => r.Record.HotelId), Is.EqualTo(new[] { "hotel-0", "hotel-1", "hotel-2", "hotel-3" }));
    }

    [Test]
    public async Task Query_vector_types_give_the_same_results()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        float[] query = Angle(0.4);
        var fromArray = await hotels.SearchAsync(query, 5).Select(r => r.Record.HotelId).ToListAsync();
        var fromMemory = await hotels.SearchAsync(new ReadOnlyMemory<float>(query), 5).Select(r => r.Record.HotelId).ToListAsync();
        var fromEmbedding = await hotels.SearchAsync(new Embedding<float>(query), 5).Select(r => r.Record.HotelId).ToListAsync();
        Assert.That(fromArray[0], Is.EqualTo("hotel-3"), "0.4 rad lies nearest to 0.45 = hotel-3");
        Assert.That(fromMemory, Is.EqualTo(fromArray));
        Assert.That(fromEmbedding, Is.EqualTo(fromArray));
    }

    [Test]
    public async Task Bad_queries_are_rejected()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store);
        Assert.ThrowsAsync<ArgumentException>(async () => await hotels.SearchAsync(new float[7], 1).ToListAsync(), "wrong dimension");
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await hotels.SearchAsync(Angle(0), 0).ToListAsync());
        Assert.ThrowsAsync<NotSupportedException>(async () => await hotels.SearchAsync("text without a generator", 1).ToListAsync());

        // Hybrid search ignored the vector property it was given, so naming a data property searched the vector anyway.
        var hybrid = (IKeywordHybridSearchable<Hotel>)hotels;
        Assert.ThrowsAsync<InvalidOperationException>(async () => await hybrid.HybridSearchAsync(Angle(0), ["hotel"], 1, new() { VectorProperty = r => r.Name }).ToListAsync());
        Assert.ThrowsAsync<InvalidOperationException>(async () => await hotels.SearchAsync(Angle(0), 1, new() { VectorProperty = r => r.Name }).ToListAsync());
    }

    [Test]
    public async Task CosineDistance_reports_one_minus_cosine_lowest_first()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var definition = HotelDefinition(DistanceFunction.CosineDistance);
        var hotels = await Fill(store, "distance", definition);
        var results = await hotels.SearchAsync(Angle(0), 4, new() { ScoreThreshold = 1 - Math.Cos(0.35) }).ToListAsync();
        Assert.That(results.Select(r => r.Record.HotelId), Is.EqualTo(new[] { "hotel-0", "hotel-1", "hotel-2" }));
        Assert.That(results[2].Score, Is.EqualTo(1 - Math.Cos(0.3)).Within(2e-3));
    }

    [TestCase(DistanceFunction.EuclideanDistance)]
    [TestCase(DistanceFunction.ManhattanDistance)]
    [TestCase(DistanceFunction.NegativeDotProductSimilarity)]
    [TestCase(DistanceFunction.HammingDistance)]
    public void Other_distance_functions_are_rejected(string distance)
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var ex = Assert.Throws<NotSupportedException>(() => store.GetCollection<string, Hotel>("hotels", HotelDefinition(distance)));
        Assert.That(ex!.Message, Does.Contain(distance).And.Contain("CosineSimilarity"));
    }

    [TestCase(IndexKind.Hnsw)]
    [TestCase(IndexKind.DiskAnn)]
    public void Approximate_index_kinds_are_rejected(string kind)
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var definition = HotelDefinition(DistanceFunction.CosineSimilarity);
        ((VectorStoreVectorProperty)definition.Properties.Last()).IndexKind = kind;
        Assert.Throws<NotSupportedException>(() => store.GetCollection<string, Hotel>("hotels", definition));
    }

    [Test]
    public async Task DotProductSimilarity_ranks_unit_vectors_like_cosine()
    {
        using var folder = new TestFolder();
        using var store = Exact(folder);
        var hotels = await Fill(store, "dot", HotelDefinition(DistanceFunction.DotProductSimilarity));
        var ids = await hotels.SearchAsync(Angle(0), 3).Select(r => r.Record.HotelId).ToListAsync();
        Assert.That(ids, Is.EqualTo(new[] { "hotel-0", "hotel-1", "hotel-2" }));
    }

    /// <summary>A store whose spaces keep a float16 sidecar: exact cosines, so rankings of close angles are deterministic.</summary>
    private static LodeVectorStore Exact(TestFolder folder) =>
        LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { Rescore = RescoreStorage.Float16 });

    internal static VectorStoreCollectionDefinition HotelDefinition(string distance) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Hotel.HotelId), typeof(string)),
            new VectorStoreDataProperty(nameof(Hotel.Name), typeof(string)),
            new VectorStoreDataProperty(nameof(Hotel.Description), typeof(string)) { IsFullTextIndexed = true },
            new VectorStoreDataProperty(nameof(Hotel.Rating), typeof(int)),
            new VectorStoreDataProperty(nameof(Hotel.Open), typeof(bool)),
            new VectorStoreDataProperty(nameof(Hotel.Tags), typeof(string[])) { StorageName = "tags" },
            new VectorStoreVectorProperty(nameof(Hotel.Embedding), typeof(ReadOnlyMemory<float>), 8) { DistanceFunction = distance },
        ],
    };

    public sealed class StringKeyed
    {
        [VectorStoreKey] public string Id { get; set; } = "";
        [VectorStoreVector(4)] public float[] Vector { get; set; } = [];
    }

    public sealed class GuidKeyed
    {
        [VectorStoreKey] public Guid Id { get; set; }
        [VectorStoreVector(4)] public float[] Vector { get; set; } = [];
    }
}
