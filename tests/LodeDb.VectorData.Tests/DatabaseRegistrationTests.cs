using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LodeDb.VectorData.Tests;

/// <summary>AddLodeDb / AddLodeCollection (LodeDb.Extensions.DependencyInjection).</summary>
public sealed class DatabaseRegistrationTests
{
    [Test]
    public void AddLodeDb_opens_the_database_once_with_the_given_options_and_closes_it_with_the_provider()
    {
        using var folder = new TestFolder();
        var services = new ServiceCollection();
        services.AddLodeDb(folder.Path, new LodeDbOptions { VectorDim = 4, BitWidth = 2 });
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var db = provider.GetRequiredService<LodeDatabase>();
            Assert.That(provider.GetRequiredService<LodeDatabase>(), Is.SameAs(db));
            Assert.That(db.BitWidth, Is.EqualTo(2));
            db.AddVector([1, 0, 0, 0], "a");
        }

        using var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { LockTimeout = TimeSpan.Zero });
        Assert.That(reopened.Get("a"), Is.Not.Null, "disposing the provider checkpointed and released the folder");
    }

    [Test]
    public void AddLodeDb_binds_its_settings_from_configuration_and_takes_the_embedder_from_DI()
    {
        using var folder = new TestFolder();
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LodeDb:Path"] = folder.Path,
            ["LodeDb:ModelName"] = "fixture-text-bert",
            ["LodeDb:StoreText"] = "false",
            ["LodeDb:StoreContentHash"] = "false",
            ["LodeDb:Durability"] = "Fsync",
            ["LodeDb:CommitMode"] = "Generation",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(TextFixture.Embedder.Value);
        services.AddLodeDb(configuration.GetSection("LodeDb"));
        using ServiceProvider provider = services.BuildServiceProvider();
        var db = provider.GetRequiredService<LodeDatabase>();
        Assert.Multiple(() =>
        {
            Assert.That(db.ModelName, Is.EqualTo("fixture-text-bert"));
            Assert.That(db.Dimension, Is.EqualTo(TextFixture.Dimensions));
            Assert.That(db.StoresText, Is.False);
            Assert.That(db.Durability, Is.EqualTo(Durability.Fsync));
            Assert.That(db.CommitMode, Is.EqualTo(CommitMode.Generation));
        });
        db.Add("the puppy barked", "dog");
        db.Add("the car engine", "car");
        Assert.That(db.Search("canine", 1)[0].Id, Is.EqualTo("dog"));
        Assert.That(db.Get("dog")!.ContentHash, Is.Null, "StoreContentHash = false was bound");
    }

    [Test]
    public void Configuration_mistakes_fail_when_the_database_is_resolved()
    {
        IConfiguration Section(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var folder = new TestFolder();
        var cases = new (Dictionary<string, string?> Values, string Expected)[]
        {
            (new() { ["Path"] = folder.Path, ["VectorDimension"] = "4" }, "VectorDimension"),
            (new() { ["VectorDim"] = "4" }, "Path"),
            (new() { ["Path"] = folder.Path, ["ModelName"] = "m" }, "IEmbeddingGenerator"),
        };
        foreach (var (values, expected) in cases)
        {
            using ServiceProvider provider = new ServiceCollection().AddLodeDb(Section(values)).BuildServiceProvider();
            var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<LodeDatabase>());
            Assert.That(ex!.Message, Does.Contain(expected));
        }
    }

    [Test]
    public void AddLodeCollection_registers_the_collection_root()
    {
        using var folder = new TestFolder();
        using ServiceProvider provider = new ServiceCollection().AddLodeCollection(folder.Path).BuildServiceProvider();
        var collection = provider.GetRequiredService<LodeCollection>();
        collection.Space("vectors", new LodeDbOptions { VectorDim = 3 }).AddVector([1, 2, 3], "x");
        Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "vectors" }));
    }
}
