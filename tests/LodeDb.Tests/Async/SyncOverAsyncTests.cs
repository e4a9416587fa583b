using LodeDb.Tests.Images;
using Microsoft.Extensions.AI;

namespace LodeDb.Tests.Async;

/// <summary>
/// The synchronous forms of the calls that embed (and an open that probes the embedder) must not
/// deadlock when called from a thread with a single-threaded synchronization context (a UI
/// thread) and an embedder whose awaits resume on that context.
/// </summary>
public sealed class SyncOverAsyncTests
{
    // Generous: the calls take milliseconds; a deadlock never finishes.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Test]
    public void TheHarnessDetectsANaiveSyncOverAsyncDeadlock()
    {
        // The control: blocking on such an embedder from the context never completes, so the
        // test below would fail if a sync form blocked on it the naive way.
        var embedder = new ContextBoundEmbedder(new ColourLayoutEmbedder());
        bool finished = SingleThreadContext.Run(
            () => ((IEmbeddingGenerator<string, Embedding<float>>)embedder).GenerateAsync(["red"]).GetAwaiter().GetResult(),
            TimeSpan.FromSeconds(2));
        Assert.That(finished, Is.False);
    }

    [Test]
    public void SyncEmbeddingCallsCompleteOnASingleThreadedContext()
    {
        using var folder = new TestFolder();
        var embedder = new ContextBoundEmbedder(new ColourLayoutEmbedder(), hideMetadata: true);
        var options = new LodeDbOptions { Embedder = embedder, ModelName = ColourLayoutEmbedder.ModelName };
        IReadOnlyList<SearchHit>? byText = null, byImage = null;
        IReadOnlyList<IReadOnlyList<SearchHit>>? many = null;
        int dimension = 0;

        bool finished = SingleThreadContext.Run(() =>
        {
            // Open probes the dimension (the embedder hides its metadata).
            using LodeDatabase db = LodeDatabase.Open(folder.Path, options);
            dimension = db.Dimension;
            db.Add("a red thing", id: "text-red");
            db.AddMany(["something green", "something blue"], ["text-green", "text-blue"]);
            db.AddImage(ImageTestSupport.Red, id: "image-red");
            db.AddImages([ImageItem.FromBytes(ImageTestSupport.Green, "image-green"), ImageItem.FromBytes(ImageTestSupport.Blue, "image-blue")]);
            byText = db.Search("red", k: 2);
            many = db.SearchMany(["green", "blue"], k: 2);
            byImage = db.SearchByImage(ImageTestSupport.Red, k: 2);
        }, Limit);

        Assert.That(finished, Is.True, "a sync call deadlocked on the caller's synchronization context");
        Assert.That(dimension, Is.EqualTo(ColourLayoutEmbedder.Dimension));
        Assert.That(byText!.Select(hit => hit.Id), Is.EquivalentTo(new[] { "text-red", "image-red" }));
        Assert.That(many![0].Select(hit => hit.Id), Is.EquivalentTo(new[] { "text-green", "image-green" }));
        Assert.That(many[1].Select(hit => hit.Id), Is.EquivalentTo(new[] { "text-blue", "image-blue" }));
        Assert.That(byImage!.Select(hit => hit.Id), Is.EquivalentTo(new[] { "text-red", "image-red" }));
    }

    [Test]
    public async Task SyncAndAsyncFormsGiveTheSameResults()
    {
        using var folder = new TestFolder();
        var embedder = new ContextBoundEmbedder(new ColourLayoutEmbedder());
        using LodeDatabase db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = ColourLayoutEmbedder.ModelName });
        await db.AddAsync("a red thing", id: "text-red");
        await db.AddManyAsync(["something green", "something blue"], ["text-green", "text-blue"]);
        await db.AddImageAsync(ImageTestSupport.Red, id: "image-red");
        await db.AddImagesAsync([ImageItem.FromBytes(ImageTestSupport.Green, "image-green")]);

        Assert.That((await db.SearchAsync("red", k: 3)).Select(Describe), Is.EqualTo(db.Search("red", k: 3).Select(Describe)));
        Assert.That((await db.SearchManyAsync(["green", "blue"], k: 3)).SelectMany(list => list.Select(Describe)),
            Is.EqualTo(db.SearchMany(["green", "blue"], k: 3).SelectMany(list => list.Select(Describe))));
        Assert.That((await db.SearchByImageAsync(ImageTestSupport.Green, k: 3)).Select(Describe), Is.EqualTo(db.SearchByImage(ImageTestSupport.Green, k: 3).Select(Describe)));
        Assert.That(db.Count(), Is.EqualTo(5));
    }

    private static string Describe(SearchHit hit) => $"{hit.Id}:{hit.Score:R}";
}
