using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>Data properties read back with their .NET types and values, live and after reopening (WAL replay and checkpoint).</summary>
public sealed class TypeMappingTests
{
    private static AllTypes Sample() => new()
    {
        String = "héllo wörld",
        Bool = true,
        Int = int.MinValue,
        Long = long.MaxValue,
        Short = -12345,
        Byte = 255,
        Float = 3.1415927f,
        Double = 1e-300,
        Guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        DateTime = new DateTime(2026, 12, 2, 21, 15, 30, 123, DateTimeKind.Utc).AddTicks(4567),
        DateTimeOffset = new DateTimeOffset(2026, 12, 2, 22, 15, 30, TimeSpan.FromHours(5.5)),
        DateOnly = new DateOnly(1999, 12, 31),
        NullableInt = null,
        NullableDateTime = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Local),
        StringArray = ["a", "", "ü"],
        IntList = [1, -2, int.MaxValue],
        DoubleArray = [0.1, -2.5, 1e10],
        BoolList = [true, false],
        Vector = [0.5f, 0.5f, 0.5f, 0.5f],
    };

    private static void AssertSame(AllTypes expected, AllTypes? got)
    {
        Assert.That(got, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(got!.Key, Is.EqualTo(expected.Key));
            Assert.That(got.String, Is.EqualTo(expected.String));
            Assert.That(got.Bool, Is.EqualTo(expected.Bool));
            Assert.That(got.Int, Is.EqualTo(expected.Int));
            Assert.That(got.Long, Is.EqualTo(expected.Long));
            Assert.That(got.Short, Is.EqualTo(expected.Short));
            Assert.That(got.Byte, Is.EqualTo(expected.Byte));
            Assert.That(got.Float, Is.EqualTo(expected.Float));
            Assert.That(got.Double, Is.EqualTo(expected.Double));
            Assert.That(got.Guid, Is.EqualTo(expected.Guid));
            Assert.That(got.DateTime, Is.EqualTo(expected.DateTime));
            Assert.That(got.DateTime.Kind, Is.EqualTo(expected.DateTime.Kind));
            Assert.That(got.DateTimeOffset, Is.EqualTo(expected.DateTimeOffset));
            Assert.That(got.DateTimeOffset.Offset, Is.EqualTo(expected.DateTimeOffset.Offset));
            Assert.That(got.DateOnly, Is.EqualTo(expected.DateOnly));
            Assert.That(got.NullableInt, Is.EqualTo(expected.NullableInt));
            Assert.That(got.NullableDateTime, Is.EqualTo(expected.NullableDateTime));
            Assert.That(got.StringArray, Is.EqualTo(expected.StringArray));
            Assert.That(got.IntList, Is.EqualTo(expected.IntList));
            Assert.That(got.DoubleArray, Is.EqualTo(expected.DoubleArray));
            Assert.That(got.BoolList, Is.EqualTo(expected.BoolList));
        });
    }

    [Test]
    public async Task Every_supported_type_round_trips_live_and_after_reopen()
    {
        using var folder = new TestFolder();
        AllTypes sample = Sample();
        using (var store = LodeVectorStore.Open(folder.Path))
        {
            var collection = store.GetCollection<Guid, AllTypes>("types");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(sample);
            AssertSame(sample, await collection.GetAsync(sample.Key));
        }

        // Reopen: the rows come back from the WAL checkpointed at dispose.
        using (var store = LodeVectorStore.Open(folder.Path))
        {
            AssertSame(sample, await store.GetCollection<Guid, AllTypes>("types").GetAsync(sample.Key));
        }
    }

    [Test]
    public async Task A_null_in_a_string_array_is_rejected_and_a_stored_one_is_a_typed_error()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var collection = store.GetCollection<Guid, AllTypes>("types");
        await collection.EnsureCollectionExistsAsync();
        AllTypes good = Sample();
        AllTypes bad = Sample();
        bad.StringArray = ["a", null!];

        // It was stored, and every read of it threw NullReferenceException.
        var ex = Assert.ThrowsAsync<ArgumentException>(() => collection.UpsertAsync([good, bad]));
        Assert.That(ex!.Message, Does.Contain("StringArray"));
        Assert.That(await collection.GetAsync(r => true, 10).CountAsync(), Is.Zero, "nothing of the batch is stored");

        // Another program wrote a null element: reading it is an error naming the property.
        var space = (LodeDatabase)collection.GetService(typeof(LodeDatabase))!;
        var key = Guid.NewGuid();
        space.AddVectors([[1, 0, 0, 0]], [key.ToString("D")], [new Dictionary<string, object?> { ["StringArray"] = new object?[] { "a", null } }]);
        var read = Assert.ThrowsAsync<InvalidOperationException>(() => collection.GetAsync(key));
        Assert.That(read!.Message, Does.Contain("StringArray"));
    }

    [Test]
    public async Task The_stored_metadata_uses_LodeDb_value_types()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var collection = store.GetCollection<Guid, AllTypes>("types");
        await collection.EnsureCollectionExistsAsync();
        AllTypes sample = Sample();
        await collection.UpsertAsync(sample);

        var space = (LodeDatabase)collection.GetService(typeof(LodeDatabase))!;
        IReadOnlyDictionary<string, object?> metadata = space.Get(sample.Key.ToString("D"))!.Metadata;
        Assert.Multiple(() =>
        {
            Assert.That(metadata["Int"], Is.EqualTo((long)int.MinValue).And.TypeOf<long>());
            Assert.That(metadata["Float"], Is.TypeOf<double>());
            Assert.That(metadata["Guid"], Is.EqualTo("0f8fad5b-d9cb-469f-a165-70867728950e"));
            Assert.That(metadata["DateOnly"], Is.EqualTo("1999-12-31"));
            Assert.That(metadata["DateTimeOffset"], Is.EqualTo("2026-12-02T22:15:30.0000000+05:30"));
            Assert.That(metadata["NullableInt"], Is.Null);
        });
    }

    [Test]
    public async Task Dynamic_records_map_through_a_definition()
    {
        using var folder = new TestFolder();
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(Guid)),
                new VectorStoreDataProperty("Title", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty("Year", typeof(int)),
                new VectorStoreDataProperty("Tags", typeof(string[])),
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 4),
            ],
        };
        var id = Guid.NewGuid();
        using (var store = LodeVectorStore.Open(folder.Path))
        {
            var books = store.GetDynamicCollection("books", definition);
            await books.EnsureCollectionExistsAsync();
            await books.UpsertAsync(new Dictionary<string, object?>
            {
                ["Id"] = id,
                ["Title"] = "a book about engines",
                ["Year"] = 2021,
                ["Tags"] = new[] { "cars" },
                ["Vector"] = new ReadOnlyMemory<float>([1, 0, 0, 0]),
            });
            await books.UpsertAsync(new Dictionary<string, object?>
            {
                ["Id"] = Guid.NewGuid(),
                ["Title"] = "a book about dogs",
                ["Year"] = 1990,
                ["Tags"] = new[] { "pets" },
                ["Vector"] = new ReadOnlyMemory<float>([0, 1, 0, 0]),
            });
        }

        using (var store = LodeVectorStore.Open(folder.Path))
        {
            var books = store.GetDynamicCollection("books", definition);
            Dictionary<string, object?>? got = await books.GetAsync(id);
            Assert.That(got, Is.Not.Null);
            Assert.That(got!["Id"], Is.EqualTo(id));
            Assert.That(got["Title"], Is.EqualTo("a book about engines"));
            Assert.That(got["Year"], Is.EqualTo(2021).And.TypeOf<int>());
            Assert.That(got["Tags"], Is.EqualTo(new[] { "cars" }));

            var recent = await books.GetAsync(r => (int)r["Year"]! > 2000, 10).ToListAsync();
            Assert.That(recent.Select(r => r["Id"]), Is.EqualTo(new object[] { id }));
            var hit = await books.SearchAsync(new float[] { 0, 1, 0, 0 }, 1, new() { Filter = r => ((string[])r["Tags"]!).Contains("pets") }).SingleAsync();
            Assert.That(hit.Record["Title"], Is.EqualTo("a book about dogs"));
        }
    }
}
