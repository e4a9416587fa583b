namespace LodeDb.Tests;

/// <summary>
/// Document-aware top-k: a chunked search asks the native scan once, with the slot -> document
/// map, so one document's many winning chunks cannot crowd the other documents out of the top k.
/// </summary>
public sealed class DocumentTopKTests
{
    private static readonly string[] Others = ["dog food", "My doctor works at the hospital", "Pizza recipes for dinner", "The storm brings rain and snow", "The puppy barks at the vet."];

    [TestCase(false)]
    [TestCase(true)]
    public void ADocumentWhose200ChunksAllWinStillYieldsKDistinctDocumentsFromOneNativeCall(bool rescore)
    {
        using var folder = new TestFolder();
        LodeDbOptions options = TextFixture.Options(maxChunkChars: LodeDatabase.MinChunkChars) with
        {
            Rescore = rescore ? RescoreStorage.Int8 : null,
        };
        using var db = LodeDatabase.Open(folder.Path, options);
        string cars = string.Join(" ", Enumerable.Repeat("car mechanic.", 200));
        db.Add(cars, "cars");
        db.AddMany(Others, ["dog", "doctor", "pizza", "storm", "puppy"]);
        Assert.That(db.Stats().SlotCount, Is.GreaterThanOrEqualTo(205), "the car document is split into 200 chunks or more");

        long before = db.NativeScanCount;
        IReadOnlyList<SearchHit> hits = db.Search("automobile repair", 4);
        long calls = db.NativeScanCount - before;

        Assert.That(calls, Is.EqualTo(1), "one native scan, no re-ask with a larger k");
        Assert.That(hits.Select(h => h.Id), Is.Unique);
        Assert.That(hits, Has.Count.EqualTo(4));
        Assert.That(hits[0].Id, Is.EqualTo("cars"));
        Assert.That(hits.Select(h => h.Score), Is.Ordered.Descending);
    }

    [Test]
    public void AFilterAndTheDocumentMapCombine()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: LodeDatabase.MinChunkChars));
        db.Add(string.Join(" ", Enumerable.Repeat("car mechanic.", 50)), "cars", new Dictionary<string, object?> { ["keep"] = false });
        db.AddMany(Others, ["dog", "doctor", "pizza", "storm", "puppy"],
            Others.Select(_ => (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["keep"] = true }).ToArray());

        IReadOnlyList<SearchHit> hits = db.Search("automobile repair", 10, filter: Filter.Parse("""{"keep": true}"""));

        Assert.That(hits.Select(h => h.Id), Is.EquivalentTo(new[] { "dog", "doctor", "pizza", "storm", "puppy" }));
    }
}
