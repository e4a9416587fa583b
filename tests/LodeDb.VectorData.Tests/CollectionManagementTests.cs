using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>Collections as spaces: existence, listing, creation checks, missing collections.</summary>
public sealed class CollectionManagementTests
{
    [Test]
    public async Task EnsureCollectionExists_creates_a_space_and_is_idempotent()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { BitWidth = 2 });
        var hotels = store.GetCollection<string, Hotel>("hotels");
        Assert.That(await hotels.CollectionExistsAsync(), Is.False);
        Assert.That(await store.CollectionExistsAsync("hotels"), Is.False);

        await hotels.EnsureCollectionExistsAsync();
        await hotels.EnsureCollectionExistsAsync();
        Assert.That(await hotels.CollectionExistsAsync(), Is.True);
        Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.EqualTo(new[] { "hotels" }));

        LodeSpaceInfo info = store.Root.Describe("hotels");
        Assert.Multiple(() =>
        {
            Assert.That(info.Kind, Is.EqualTo(LodeSpaceKind.Vector));
            Assert.That(info.Dimension, Is.EqualTo(8));
            Assert.That(info.BitWidth, Is.EqualTo(2));
            Assert.That(info.StoreText, Is.False, "the full-text property lives in the metadata; the caption is only indexed");
            Assert.That(info.IndexText, Is.True);
        });
    }

    [Test]
    public async Task Operations_on_a_missing_collection_throw_VectorStoreException()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("missing");
        var hotel = new Hotel { HotelId = "h", Embedding = new float[8] { 1, 0, 0, 0, 0, 0, 0, 0 } };

        Assert.ThrowsAsync<VectorStoreException>(() => hotels.GetAsync("h"));
        Assert.ThrowsAsync<VectorStoreException>(() => hotels.UpsertAsync(hotel));
        Assert.ThrowsAsync<VectorStoreException>(() => hotels.DeleteAsync("h"));
        Assert.ThrowsAsync<VectorStoreException>(async () => await hotels.SearchAsync(new float[8], 1).ToListAsync());
        var ex = Assert.ThrowsAsync<VectorStoreException>(async () => await hotels.GetAsync(h => h.Rating > 1, 1).ToListAsync());
        Assert.That(ex!.CollectionName, Is.EqualTo("missing"));
        Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.Empty, "nothing was created");
    }

    [Test]
    public async Task A_collection_whose_model_does_not_fit_the_existing_space_is_rejected()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        await store.GetCollection<string, Hotel>("shared").EnsureCollectionExistsAsync();
        var other = store.GetCollection<Guid, AllTypes>("shared"); // 4 dimensions, no full-text property
        var ex = Assert.ThrowsAsync<VectorStoreException>(() => other.EnsureCollectionExistsAsync());
        Assert.That(ex!.InnerException, Is.InstanceOf<SpaceMismatchException>());
    }

    [Test]
    public async Task A_collection_of_another_dimension_is_rejected_on_first_use_too()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        await store.GetCollection<string, Hotel>("shared").EnsureCollectionExistsAsync();
        var wider = store.GetCollection<string, WideHotel>("shared"); // same text settings, 16 dimensions
        float[] vector = new float[16];
        vector[0] = 1;
        var ex = Assert.ThrowsAsync<VectorStoreException>(() => wider.UpsertAsync(new WideHotel { HotelId = "1", Embedding = vector }));
        Assert.That(ex!.InnerException, Is.InstanceOf<SpaceMismatchException>());
        Assert.That(((SpaceMismatchException)ex.InnerException!).Field, Is.EqualTo("VectorDim"));
    }

    [Test]
    public async Task A_delete_racing_an_upsert_never_recreates_the_collection()
    {
        // The upserting handle reopens the space after the delete closed it; the space must then
        // be missing, not created anew (nothing is created implicitly).
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        float[] vector = [1, 0, 0, 0, 0, 0, 0, 1];
        for (int i = 0; i < 150; i++)
        {
            var deleting = store.GetCollection<string, Hotel>("race");
            var writing = store.GetCollection<string, Hotel>("race");
            await deleting.EnsureCollectionExistsAsync();
            await writing.UpsertAsync(new Hotel { HotelId = "0", Embedding = vector });
            using var go = new ManualResetEventSlim();
            Task deleter = Task.Run(() =>
            {
                go.Wait();
                deleting.EnsureCollectionDeletedAsync().GetAwaiter().GetResult();
            });
            Task writer = Task.Run(() =>
            {
                go.Wait();
                for (int j = 0; j < 20; j++)
                {
                    try
                    {
                        writing.UpsertAsync(new Hotel { HotelId = $"x{j}", Embedding = vector }).GetAwaiter().GetResult();
                    }
                    catch (VectorStoreException)
                    {
                        // Refused while the delete holds the space, or missing after it.
                    }
                }
            });
            go.Set();
            await Task.WhenAll(deleter, writer);
            Assert.That(await deleting.CollectionExistsAsync(), Is.False, $"iteration {i}: the delete was undone by a later upsert");
        }
    }

    [Test]
    public async Task Collections_are_separate_spaces()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var a = store.GetCollection<string, Hotel>("a");
        var b = store.GetCollection<string, Hotel>("b");
        await a.EnsureCollectionExistsAsync();
        await b.EnsureCollectionExistsAsync();
        await a.UpsertAsync(new Hotel { HotelId = "only-in-a", Embedding = TestVectors.Random(1, 8) });
        Assert.That(await b.GetAsync("only-in-a"), Is.Null);
        Assert.That(await b.SearchAsync(TestVectors.Random(1, 8), 5).CountAsync(), Is.EqualTo(0));
        Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void Invalid_names_key_types_and_record_shapes_are_rejected()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        Assert.ThrowsAsync<ArgumentException>(() => store.GetCollection<string, Hotel>("Not A Space Name").CollectionExistsAsync());
        Assert.Throws<NotSupportedException>(() => store.GetCollection<int, Hotel>("ints"));
        Assert.Throws<ArgumentException>(() => store.GetCollection<object, Dictionary<string, object?>>("dict"));
        Assert.Throws<NotSupportedException>(() => store.GetCollection<string, TwoFullText>("twofulltext"));
        Assert.Throws<NotSupportedException>(() => store.GetCollection<string, DecimalData>("decimal"));
        Assert.Throws<NotSupportedException>(() => store.GetCollection<string, TwoVectors>("twovectors"));
    }

    [Test]
    public async Task EnsureCollectionDeleted_drops_the_space_and_is_idempotent()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        var sameName = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(new Hotel { HotelId = "h1", Embedding = TestVectors.Random(1, 8) });
        Assert.That(await sameName.GetAsync("h1"), Is.Not.Null);
        await store.GetCollection<string, Hotel>("others").EnsureCollectionExistsAsync();

        await hotels.EnsureCollectionDeletedAsync();
        Assert.That(await hotels.CollectionExistsAsync(), Is.False);
        Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.EqualTo(new[] { "others" }));
        Assert.That(Directory.Exists(Path.Combine(folder.Path, "spaces", "hotels")), Is.False);
        await hotels.EnsureCollectionDeletedAsync();
        await store.EnsureCollectionDeletedAsync("hotels");
        await store.EnsureCollectionDeletedAsync("never-created");

        // Another collection object of the deleted name sees it missing, not a closed handle.
        var missing = Assert.ThrowsAsync<VectorStoreException>(() => sameName.GetAsync("h1"));
        Assert.That(missing!.Message, Does.Contain("does not exist"));

        await hotels.EnsureCollectionExistsAsync();
        Assert.That(await sameName.GetAsync("h1"), Is.Null, "recreated empty");

        await store.EnsureCollectionDeletedAsync("others");
        Assert.That(await store.ListCollectionNamesAsync().ToListAsync(), Is.EqualTo(new[] { "hotels" }));
    }

    [Test]
    public async Task EnsureCollectionDeleted_is_refused_while_another_writer_has_the_space()
    {
        using var folder = new TestFolder();
        using var first = LodeVectorStore.Open(folder.Path);
        await first.GetCollection<string, Hotel>("hotels").EnsureCollectionExistsAsync();
        using var second = LodeVectorStore.Open(folder.Path);
        var ex = Assert.ThrowsAsync<VectorStoreException>(() => second.EnsureCollectionDeletedAsync("hotels"));
        Assert.That(ex!.InnerException, Is.InstanceOf<ConcurrentWriterException>());
        Assert.That(await second.CollectionExistsAsync("hotels"), Is.True);

        using var readOnly = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { ReadOnly = true });
        var refused = Assert.ThrowsAsync<VectorStoreException>(() => readOnly.EnsureCollectionDeletedAsync("hotels"));
        Assert.That(refused!.InnerException, Is.InstanceOf<ReadOnlyException>());
    }

    [Test]
    public async Task Metadata_and_services_describe_the_store()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        var metadata = (VectorStoreCollectionMetadata)hotels.GetService(typeof(VectorStoreCollectionMetadata))!;
        Assert.That(metadata.VectorStoreSystemName, Is.EqualTo("lodedb"));
        Assert.That(metadata.CollectionName, Is.EqualTo("hotels"));
        Assert.That(hotels.GetService(typeof(LodeDatabase)), Is.InstanceOf<LodeDatabase>());
        Assert.That(((VectorStoreMetadata)store.GetService(typeof(VectorStoreMetadata))!).VectorStoreSystemName, Is.EqualTo("lodedb"));
    }

    public sealed class TwoFullText
    {
        [VectorStoreKey] public string Key { get; set; } = "";
        [VectorStoreData(IsFullTextIndexed = true)] public string? A { get; set; }
        [VectorStoreData(IsFullTextIndexed = true)] public string? B { get; set; }
        [VectorStoreVector(4)] public float[] Vector { get; set; } = [];
    }

    public sealed class DecimalData
    {
        [VectorStoreKey] public string Key { get; set; } = "";
        [VectorStoreData] public decimal Price { get; set; }
        [VectorStoreVector(4)] public float[] Vector { get; set; } = [];
    }

    public sealed class TwoVectors
    {
        [VectorStoreKey] public string Key { get; set; } = "";
        [VectorStoreVector(4)] public float[] A { get; set; } = [];
        [VectorStoreVector(4)] public float[] B { get; set; } = [];
    }

    public sealed class WideHotel
    {
        [VectorStoreKey] public string HotelId { get; set; } = "";
        [VectorStoreData(IsFullTextIndexed = true)] public string? Description { get; set; }
        [VectorStoreVector(16)] public ReadOnlyMemory<float> Embedding { get; set; }
    }
}
