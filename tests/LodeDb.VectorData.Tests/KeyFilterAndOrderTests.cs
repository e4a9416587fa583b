using System.Linq.Expressions;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>
/// Key conditions in GetAsync(filter) become an id allow-list (r.Key == v, keys.Contains(r.Key),
/// joined by && to metadata conditions), and OrderBy the key ascending maps to LodeDb's keyset
/// listing; every other ordering, and key conditions in searches, are NotSupportedException.
/// </summary>
public sealed class KeyFilterAndOrderTests
{
    private static readonly string[] Keys = ["k05", "k01", "k10", "k03", "k08", "k02", "k09", "k04", "k07", "k06"];

    private static async Task<VectorStoreCollection<string, FilterRecord>> Fill(LodeVectorStore store)
    {
        var collection = store.GetCollection<string, FilterRecord>("records");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Keys.Select((key, i) => new FilterRecord { Key = key, Int = int.Parse(key[1..]), Vector = TestVectors.Random(i + 1, 3) }));
        return collection;
    }

    private static async Task<string[]> Get(VectorStoreCollection<string, FilterRecord> collection, Expression<Func<FilterRecord, bool>> filter, int top = 100, FilteredRecordRetrievalOptions<FilterRecord>? options = null) =>
        await collection.GetAsync(filter, top, options).Select(r => r.Key).ToArrayAsync();

    [Test]
    public async Task Key_conditions_select_by_id_alone_and_with_metadata_conditions()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var records = await Fill(store);
        string one = "k03";
        string[] wanted = ["k09", "k01", "missing", "k04"];
        List<string> asList = ["k02", "k10"];

        Assert.That(await Get(records, r => r.Key == "k07"), Is.EqualTo(new[] { "k07" }));
        Assert.That(await Get(records, r => one == r.Key), Is.EqualTo(new[] { "k03" }), "a captured value, on either side");
        Assert.That(await Get(records, r => wanted.Contains(r.Key)), Is.EqualTo(new[] { "k01", "k04", "k09" }), "an allow-list, in ascending key order; a missing key matches nothing");
        Assert.That(await Get(records, r => asList.Contains(r.Key)), Is.EqualTo(new[] { "k02", "k10" }));
        Assert.That(await Get(records, r => wanted.Contains(r.Key) && r.Int > 3), Is.EqualTo(new[] { "k04", "k09" }), "joined by && to a metadata condition");
        Assert.That(await Get(records, r => r.Int < 9 && wanted.Contains(r.Key) && r.Int > 3), Is.EqualTo(new[] { "k04" }));
        Assert.That(await Get(records, r => wanted.Contains(r.Key) && r.Key == "k01"), Is.EqualTo(new[] { "k01" }), "two key conditions intersect");
        Assert.That(await Get(records, r => r.Key == "k01" && r.Key == "k02"), Is.Empty);
        string[] none = [];
        Assert.That(await Get(records, r => none.Contains(r.Key)), Is.Empty, "an empty allow-list matches nothing");
        Assert.ThrowsAsync<NotSupportedException>(() => Get(records, r => new string[3].Contains(r.Key)), "an array bound is not a list of keys");
        Assert.That(await Get(records, r => wanted.Contains(r.Key), top: 2, new() { Skip = 1 }), Is.EqualTo(new[] { "k04", "k09" }), "Skip and top page the allow-list");
    }

    [Test]
    public async Task Guid_keys_are_matched_by_their_id_form()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var collection = store.GetCollection<Guid, AllTypes>("guids");
        await collection.EnsureCollectionExistsAsync();
        Guid[] ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        await collection.UpsertAsync(ids.Select((id, i) => new AllTypes { Key = id, Vector = TestVectors.Random(i + 1, 4) }));
        Guid[] some = [ids[3], ids[1]];
        Guid[] got = await collection.GetAsync(r => some.Contains(r.Key), 10).Select(r => r.Key).ToArrayAsync();
        Assert.That(got, Is.EqualTo(some.Order().ToArray()), "ascending key order: the \"D\" strings' ordinal order is Guid order");
        Guid third = ids[2];
        Assert.That(await collection.GetAsync(r => r.Key == third, 10).Select(r => r.Key).ToArrayAsync(), Is.EqualTo(new[] { ids[2] }));

        Guid[] all = await collection.GetAsync(r => true, 10, new() { OrderBy = o => o.Ascending(r => r.Key) }).Select(r => r.Key).ToArrayAsync();
        Assert.That(all, Is.EqualTo(ids.Order().ToArray()));
    }

    [Test]
    public async Task OrderBy_the_key_ascending_pages_in_key_order()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var records = await Fill(store);
        var byKey = new FilteredRecordRetrievalOptions<FilterRecord> { OrderBy = o => o.Ascending(r => r.Key) };
        string[] sorted = Keys.Order(StringComparer.Ordinal).ToArray();

        Assert.That(await Get(records, r => true, 100, byKey), Is.EqualTo(sorted));
        Assert.That(await Get(records, r => r.Int > 2, 3, new() { OrderBy = byKey.OrderBy, Skip = 2 }), Is.EqualTo(new[] { "k05", "k06", "k07" }));
        Assert.That(await Get(records, r => true, 100), Is.EqualTo(Keys), "without OrderBy or key conditions: insertion order");
        Assert.That(await Get(records, r => true, 100, new() { OrderBy = o => o }), Is.EqualTo(Keys), "an empty ordering is no ordering");
    }

    [Test]
    public async Task Other_orderings_and_key_conditions_in_searches_are_not_supported()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var records = await Fill(store);
        var descending = Assert.ThrowsAsync<NotSupportedException>(() => Get(records, r => true, 10, new() { OrderBy = o => o.Descending(r => r.Key) }));
        Assert.That(descending!.Message, Does.Contain("Key descending").And.Contain("ascending"));
        var byData = Assert.ThrowsAsync<NotSupportedException>(() => Get(records, r => true, 10, new() { OrderBy = o => o.Ascending(r => r.Int) }));
        Assert.That(byData!.Message, Does.Contain("Int ascending"));
        Assert.ThrowsAsync<NotSupportedException>(() => Get(records, r => true, 10, new() { OrderBy = o => o.Ascending(r => r.Key).Ascending(r => r.Int) }));

        var search = Assert.ThrowsAsync<NotSupportedException>(async () =>
            await records.SearchAsync(new float[] { 1, 0, 0 }, 3, new() { Filter = r => r.Key == "k01" }).ToListAsync());
        Assert.That(search!.Message, Does.Contain("GetAsync"));
        Assert.ThrowsAsync<NotSupportedException>(() => Get(records, r => r.Key == "k01" || r.Int == 2));
        Assert.ThrowsAsync<NotSupportedException>(() => Get(records, r => r.Key == null));
    }
}
