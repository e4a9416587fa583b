using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>Upsert, get and delete, single and batch (the conformance suite's CRUD cases).</summary>
public sealed class CrudTests
{
    private static Hotel MakeHotel(int i, string? description = null) => new()
    {
        HotelId = $"hotel-{i}",
        Name = $"Hotel {i}",
        Description = description ?? $"hotel number {i}",
        Rating = i,
        Open = i % 2 == 0,
        Tags = [$"t{i}", "all"],
        Embedding = TestVectors.Random(i, 8),
    };

    [Test]
    public async Task Upsert_then_get_returns_every_data_property()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(MakeHotel(3, "a quiet place"));

        Hotel? got = await hotels.GetAsync("hotel-3");
        Assert.That(got, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(got!.HotelId, Is.EqualTo("hotel-3"));
            Assert.That(got.Name, Is.EqualTo("Hotel 3"));
            Assert.That(got.Description, Is.EqualTo("a quiet place"));
            Assert.That(got.Rating, Is.EqualTo(3));
            Assert.That(got.Open, Is.False);
            Assert.That(got.Tags, Is.EqualTo(new[] { "t3", "all" }));
            Assert.That(got.Embedding.Length, Is.EqualTo(0), "vectors are not given back (LodeDb keeps codes)");
        });
    }

    [Test]
    public async Task Upsert_with_an_existing_key_replaces_the_record()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(MakeHotel(1));
        Hotel replaced = MakeHotel(1);
        replaced.Name = "Renamed";
        replaced.Rating = 9;
        await hotels.UpsertAsync(replaced);

        Hotel? got = await hotels.GetAsync("hotel-1");
        Assert.That(got!.Name, Is.EqualTo("Renamed"));
        Assert.That(got.Rating, Is.EqualTo(9));
        Assert.That(await hotels.GetAsync(r => true, 10).CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Get_of_a_missing_key_returns_null()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(MakeHotel(1));
        Assert.That(await hotels.GetAsync("nope"), Is.Null);
    }

    [Test]
    public async Task Batch_upsert_get_and_delete()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(Enumerable.Range(0, 10).Select(i => MakeHotel(i)));

        List<Hotel> got = await hotels.GetAsync(["hotel-2", "hotel-7", "missing"]).ToListAsync();
        Assert.That(got.Select(h => h.HotelId), Is.EquivalentTo(new[] { "hotel-2", "hotel-7" }));

        await hotels.DeleteAsync(["hotel-2", "hotel-7", "missing"]);
        Assert.That(await hotels.GetAsync("hotel-2"), Is.Null);
        Assert.That(await hotels.GetAsync("hotel-7"), Is.Null);
        Assert.That(await hotels.GetAsync(r => true, 100).CountAsync(), Is.EqualTo(8));

        await hotels.DeleteAsync("hotel-3");
        Assert.That(await hotels.GetAsync("hotel-3"), Is.Null);
        Assert.DoesNotThrowAsync(() => hotels.DeleteAsync("hotel-3"), "deleting a missing key is a no-op");
    }

    [Test]
    public async Task A_batch_with_a_bad_record_stores_nothing()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        Hotel bad = MakeHotel(5);
        bad.Embedding = new float[7]; // wrong dimension
        Assert.ThrowsAsync<ArgumentException>(() => hotels.UpsertAsync([MakeHotel(4), bad]));
        Assert.That(await hotels.GetAsync("hotel-4"), Is.Null, "all or none");

        Hotel nan = MakeHotel(6);
        nan.Embedding = Enumerable.Repeat(float.NaN, 8).ToArray();
        Assert.ThrowsAsync<ArgumentException>(() => hotels.UpsertAsync([MakeHotel(4), nan]));
        Assert.That(await hotels.GetAsync(r => true, 10).CountAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task A_batch_with_a_repeated_key_or_a_null_record_is_rejected_whole()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        Assert.ThrowsAsync<ArgumentException>(() => hotels.UpsertAsync([MakeHotel(1), MakeHotel(2), MakeHotel(1)]));
        Assert.ThrowsAsync<ArgumentException>(() => hotels.UpsertAsync([MakeHotel(3), null!]));
        Hotel nullKey = MakeHotel(4);
        nullKey.HotelId = null!;
        Assert.ThrowsAsync<ArgumentException>(() => hotels.UpsertAsync([MakeHotel(5), nullKey]));
        Assert.That(await hotels.GetAsync(r => true, 10).CountAsync(), Is.EqualTo(0), "nothing of a rejected batch is stored");
    }

    [Test]
    public async Task Empty_batches_do_nothing()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync([]);
        await hotels.DeleteAsync(Array.Empty<string>());
        Assert.That(await hotels.GetAsync(Array.Empty<string>()).CountAsync(), Is.EqualTo(0));
        Assert.That(await hotels.GetAsync(r => true, 10).CountAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task Records_survive_closing_and_reopening_the_store()
    {
        using var folder = new TestFolder();
        using (var store = LodeVectorStore.Open(folder.Path))
        {
            var hotels = store.GetCollection<string, Hotel>("hotels");
            await hotels.EnsureCollectionExistsAsync();
            await hotels.UpsertAsync(Enumerable.Range(0, 5).Select(i => MakeHotel(i)));
        }

        using (var store = LodeVectorStore.Open(folder.Path))
        {
            var hotels = store.GetCollection<string, Hotel>("hotels");
            Assert.That(await hotels.CollectionExistsAsync(), Is.True);
            Hotel? got = await hotels.GetAsync("hotel-4");
            Assert.That(got!.Rating, Is.EqualTo(4));
            Assert.That(got.Tags, Is.EqualTo(new[] { "t4", "all" }));
            var hit = await hotels.SearchAsync(TestVectors.Random(4, 8), 1).SingleAsync();
            Assert.That(hit.Record.HotelId, Is.EqualTo("hotel-4"));
        }
    }

    [Test]
    public async Task Guid_keys_round_trip_and_auto_generate_when_empty()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var collection = store.GetCollection<Guid, AllTypes>("guids");
        await collection.EnsureCollectionExistsAsync();
        var given = new AllTypes { Key = Guid.NewGuid(), String = "given", Vector = [1, 0, 0, 0] };
        var generated = new AllTypes { String = "generated", Vector = [0, 1, 0, 0] };
        await collection.UpsertAsync([given, generated]);

        Assert.That(generated.Key, Is.Not.EqualTo(Guid.Empty), "an auto-generated key is set on the record");
        Assert.That((await collection.GetAsync(given.Key))!.String, Is.EqualTo("given"));
        Assert.That((await collection.GetAsync(generated.Key))!.String, Is.EqualTo("generated"));
    }

    [Test]
    public async Task A_dynamic_collection_refuses_a_key_of_another_type_than_its_key_property()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(Guid)),
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 3),
            ],
        };
        var collection = store.GetDynamicCollection("dynamic", definition);
        await collection.EnsureCollectionExistsAsync();
        var id = Guid.NewGuid();
        await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = id, ["Vector"] = new ReadOnlyMemory<float>([1, 0, 0]) });

        // A string for a Guid key found nothing (in another case than "D") and deleted nothing, silently.
        string asText = id.ToString("D").ToUpperInvariant();
        Assert.ThrowsAsync<ArgumentException>(() => collection.GetAsync(asText));
        Assert.ThrowsAsync<ArgumentException>(() => collection.DeleteAsync(asText));
        Assert.ThrowsAsync<ArgumentException>(() => collection.DeleteAsync([id, asText]));
        Assert.That(await collection.GetAsync(id), Is.Not.Null, "nothing was deleted");
        Assert.ThrowsAsync<NotSupportedException>(async () => await collection.GetAsync(r => r["Id"] == (object)asText, 10).ToListAsync(), "a key condition in a filter");
        Assert.That(await collection.GetAsync(r => r["Id"] == (object)id, 10).CountAsync(), Is.EqualTo(1));
    }
}
