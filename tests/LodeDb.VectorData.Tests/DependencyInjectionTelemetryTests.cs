using LodeDb.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>
/// A host built with AddLodeDbVectorStore: the store logs through the registered ILoggerFactory,
/// and a MeterListener on the "LodeDb" meter sees an add and a search (as OpenTelemetry would).
/// </summary>
public sealed class DependencyInjectionTelemetryTests
{
    [Test]
    public async Task The_store_logs_through_the_host_logger_and_its_instruments_are_observed()
    {
        using var folder = new TestFolder();
        using var recorder = new MeasurementRecorder(LodeDbTelemetry.Name, folder.Path);
        var logs = new ListLoggerFactory();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddLodeDbVectorStore(folder.Path);
        services.AddLodeDbCollection<string, Hotel>("hotels");

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var hotels = provider.GetRequiredService<VectorStoreCollection<string, Hotel>>();
            await hotels.EnsureCollectionExistsAsync();
            await hotels.UpsertAsync([
                new Hotel { HotelId = "h1", Description = "quiet", Embedding = TestVectors.Random(1, 8) },
                new Hotel { HotelId = "h2", Description = "busy", Embedding = TestVectors.Random(2, 8) },
            ]);
            var hits = await hotels.SearchAsync(TestVectors.Random(1, 8), 1).ToListAsync();
            Assert.That(hits.Single().Record.HotelId, Is.EqualTo("h1"));
            await ((IKeywordHybridSearchable<Hotel>)hotels).HybridSearchAsync(TestVectors.Random(2, 8), ["busy"], 1).ToListAsync();
        }

        string space = Path.Combine(Path.GetFullPath(folder.Path), LodeCollection.SpacesFolderName, "hotels");
        Assert.Multiple(() =>
        {
            Assert.That(recorder.Sum("lodedb.rows.added"), Is.EqualTo(2));
            Assert.That(recorder.Count("lodedb.add.duration"), Is.EqualTo(1));
            // The vector search, then the hybrid search's two rankers (vector + lexical).
            Assert.That(recorder.Sum("lodedb.searches"), Is.EqualTo(3));
            Assert.That(recorder.Measurements.Where(m => m.Instrument == "lodedb.searches").Select(m => m.Tags["lodedb.mode"]), Is.EquivalentTo(new[] { "vector", "vector", "lexical" }));
            Assert.That(recorder.Measurements.Select(m => m.Tags["lodedb.path"]).Distinct(), Is.EqualTo(new[] { space }));
            Assert.That(recorder.Activities.Select(a => a.OperationName), Does.Contain("lodedb.add").And.Contain("lodedb.search"));
        });

        IReadOnlyList<LogEntry> entries = logs.Entries;
        Assert.That(entries.Where(e => e.EventId.Name == "Opened").Select(e => e.Values["Path"]), Is.EqualTo(new[] { space }), "the space opened through the host's logger");
        Assert.That(entries.Any(e => e.EventId.Name == "Checkpointed"), Is.True, "disposing the provider closed the store, which checkpointed the space");
        Assert.That(entries.Select(e => e.Category).Distinct(), Is.EqualTo(new[] { LodeDbLogCategory }));
    }

    private const string LodeDbLogCategory = "LodeDb";
}
