using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>AddLodeDbVectorStore / AddLodeDbCollection: resolution, configuration binding, the embedding generator from DI.</summary>
public sealed class DependencyInjectionTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Test]
    public async Task A_host_resolves_the_store_and_a_collection_with_options_from_configuration()
    {
        using var folder = new TestFolder();
        IConfiguration configuration = Configuration(new()
        {
            ["LodeDb:VectorStore:Path"] = folder.Path,
            ["LodeDb:VectorStore:BitWidth"] = "2",
            ["LodeDb:VectorStore:Durability"] = "Fsync",
        });
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(TextFixture.Embedder.Value);
        services.AddLodeDbVectorStore(configuration.GetSection("LodeDb:VectorStore"));
        services.AddLodeDbCollection<Guid, Note>("notes");

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            VectorStore store = provider.GetRequiredService<VectorStore>();
            Assert.That(store, Is.SameAs(provider.GetRequiredService<LodeVectorStore>()));
            var notes = provider.GetRequiredService<VectorStoreCollection<Guid, Note>>();
            Assert.That(provider.GetRequiredService<IVectorSearchable<Note>>(), Is.SameAs(notes));
            Assert.That(provider.GetRequiredService<IKeywordHybridSearchable<Note>>(), Is.SameAs(notes));

            await notes.EnsureCollectionExistsAsync();
            await notes.UpsertAsync([
                new Note { Id = Guid.NewGuid(), Text = "my puppy at the kennel", Topic = "dogs", Embedding = "my puppy at the kennel" },
                new Note { Id = Guid.NewGuid(), Text = "rain storm tonight", Topic = "weather", Embedding = "rain storm tonight" },
            ]);
            var hit = await notes.SearchAsync("canine hound", 1).SingleAsync();
            Assert.That(hit.Record.Topic, Is.EqualTo("dogs"), "string vectors embedded by the IEmbeddingGenerator from DI");

            var root = (LodeCollection)store.GetService(typeof(LodeCollection))!;
            Assert.That(root.Describe("notes").BitWidth, Is.EqualTo(2));
            Assert.That(root.Durability, Is.EqualTo(Durability.Fsync));
        }

        // Disposing the provider closed the folder: a new store can take its writer locks.
        using var reopened = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { LockTimeout = TimeSpan.Zero, EmbeddingGenerator = TextFixture.Embedder.Value });
        Assert.That(await reopened.GetCollection<Guid, Note>("notes").GetAsync(n => n.Topic == "weather", 5).CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_path_and_a_configure_action_work_without_configuration()
    {
        using var folder = new TestFolder();
        var services = new ServiceCollection();
        services.AddLodeDbVectorStore(folder.Path, options => options.Rescore = RescoreStorage.Int8);
        services.AddLodeDbCollection<string, Hotel>("hotels");
        await using ServiceProvider provider = services.BuildServiceProvider();
        var hotels = provider.GetRequiredService<VectorStoreCollection<string, Hotel>>();
        await hotels.EnsureCollectionExistsAsync();
        var root = provider.GetRequiredService<LodeVectorStore>().Root;
        Assert.That(root.Path, Is.EqualTo(Path.GetFullPath(folder.Path)));
        var space = (LodeDatabase)hotels.GetService(typeof(LodeDatabase))!;
        Assert.That(space.Rescore, Is.EqualTo(RescoreStorage.Int8));
    }

    [Test]
    public async Task A_dynamic_collection_is_registered_by_name()
    {
        using var folder = new TestFolder();
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Name", typeof(string)),
                new VectorStoreVectorProperty("Vector", typeof(float[]), 3),
            ],
        };
        var services = new ServiceCollection();
        services.AddLodeDbVectorStore(folder.Path);
        services.AddLodeDbDynamicCollection("items", definition);
        await using ServiceProvider provider = services.BuildServiceProvider();
        var items = provider.GetRequiredKeyedService<VectorStoreCollection<object, Dictionary<string, object?>>>("items");
        await items.EnsureCollectionExistsAsync();
        await items.UpsertAsync(new Dictionary<string, object?> { ["Id"] = "x", ["Name"] = "ex", ["Vector"] = new float[] { 1, 2, 3 } });
        Assert.That((await items.GetAsync("x"))!["Name"], Is.EqualTo("ex"));

        // As AddLodeDbCollection registers a typed collection: the searchable and hybrid-searchable services too.
        Assert.That(provider.GetKeyedService<IVectorSearchable<Dictionary<string, object?>>>("items"), Is.SameAs(items));
        Assert.That(provider.GetKeyedService<IKeywordHybridSearchable<Dictionary<string, object?>>>("items"), Is.SameAs(items));
    }

    [Test]
    public void Configuration_mistakes_fail_when_the_store_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddLodeDbVectorStore(Configuration(new() { ["Bitwidht"] = "2", ["Path"] = "/tmp/unused" }));
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<VectorStore>(), "an unknown key is an error, not ignored");

        var noPath = new ServiceCollection().AddLodeDbVectorStore();
        using ServiceProvider noPathProvider = noPath.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => noPathProvider.GetRequiredService<VectorStore>());
        Assert.That(ex!.Message, Does.Contain("Path"));
    }
}
