namespace LodeDb.Native.Tests;

/// <summary>NativeIndex.SearchDocuments / SearchDocumentCandidates: document-aware top-k in one native call.</summary>
public sealed class NativeIndexDocumentsTests
{
    private const int Dim = 48;

    /// <summary>Document 7's 200 chunks sit next to the query, far above 300 one-chunk
    /// documents; one call still returns k distinct documents, document 7 first.</summary>
    [Test]
    public void ACrowdingDocumentStillYieldsKDistinctDocumentsFromOneCall([Values] bool candidates)
    {
        const int crowd = 200, others = 300, k = 10;
        float[] query = TestVectors.Normalised(1, Dim, seed: 1);
        float[] vectors = TestVectors.Normalised(crowd + others, Dim, seed: 2);
        var map = new uint[crowd + others];
        for (int s = 0; s < map.Length; s++)
        {
            bool inCrowd = s % 5 < 2;
            map[s] = inCrowd ? 7u : (uint)(1000 + s);
            for (int i = 0; inCrowd && i < Dim; i++)
            {
                vectors[s * Dim + i] += 12 * query[i];
            }
        }

        using var index = NativeIndex.Create(Dim, 4, seed: 3);
        index.Add(vectors);
        SlotHit[] plain = index.Search(query, crowd)[0];
        Assert.That(plain.Select(h => map[h.Slot]), Is.All.EqualTo(7u), "precondition: the slot top 200 is one document");

        var slots = new ulong[k];
        var scores = new float[k];
        var counts = new uint[1];
        if (candidates)
        {
            index.SearchDocumentCandidates(query, k, map, threads: 2, slots, scores, counts);
        }
        else
        {
            index.SearchDocuments(query, k, map, threads: 2, slots, scores, counts);
        }

        Assert.Multiple(() =>
        {
            Assert.That(counts[0], Is.EqualTo((uint)k));
            Assert.That(slots.Select(s => map[s]), Is.Unique);
            Assert.That(map[slots[0]], Is.EqualTo(7u));
            Assert.That(scores, Is.Ordered.Descending);
        });
    }

    /// <summary>The result is the best slot of each document: equal to collapsing a full slot
    /// ranking (scan scores) by document, for random maps, a filter and several threads.</summary>
    [Test]
    public void CandidatesEqualCollapsingTheFullScanRanking([Values(1, 5, 60, 900)] int documents)
    {
        const int n = 1000, count = 20;
        float[] vectors = TestVectors.Normalised(n, Dim, seed: 4);
        using var index = NativeIndex.Create(Dim, 2, seed: 5);
        index.Add(vectors);
        index.Remove(3);
        var random = new Random(documents);
        uint[] map = Enumerable.Range(0, n).Select(_ => (uint)random.Next(documents)).ToArray();
        ulong[] mask = Enumerable.Range(0, 16).Select(_ => (ulong)random.NextInt64() | 1UL << 63).ToArray();
        float[] queries = TestVectors.Normalised(2, Dim, seed: 6);

        var all = new ulong[2 * n];
        var allScores = new float[2 * n];
        var allCounts = new uint[2];
        index.SearchCandidates(queries, n, mask, 1, all, allScores, allCounts);

        var slots = new ulong[2 * count];
        var scores = new float[2 * count];
        var counts = new uint[2];
        index.SearchDocumentCandidates(queries, count, map, mask, 3, slots, scores, counts);
        for (int q = 0; q < 2; q++)
        {
            var expected = all.AsSpan(q * n, (int)allCounts[q]).ToArray()
                .Select((slot, i) => (Slot: slot, Score: allScores[q * n + i]))
                .DistinctBy(h => map[h.Slot])
                .Take(count)
                .ToArray();
            Assert.That(counts[q], Is.EqualTo((uint)expected.Length));
            Assert.That(slots.AsSpan(q * count, expected.Length).ToArray(), Is.EqualTo(expected.Select(h => h.Slot)));
            Assert.That(scores.AsSpan(q * count, expected.Length).ToArray(), Is.EqualTo(expected.Select(h => h.Score)));
        }
    }

    [Test]
    public void OneDocumentPerSlotIsTheSlotSearch()
    {
        float[] vectors = TestVectors.Normalised(300, Dim, seed: 7);
        using var index = NativeIndex.Create(Dim, 4, seed: 8);
        index.Add(vectors);
        uint[] map = Enumerable.Range(0, 300).Select(i => (uint)(1000 - i)).ToArray();
        float[] queries = vectors.AsSpan(0, 3 * Dim).ToArray();
        SlotHit[][] slotsOnly = index.Search(queries, 15);
        SlotHit[][] documents = index.SearchDocuments(queries, 15, map);
        Assert.That(documents, Is.EqualTo(slotsOnly));
    }

    [Test]
    public void AMapOfTheWrongLengthIsRefused()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 9);
        index.Add(TestVectors.Normalised(40, Dim, seed: 9));
        float[] query = TestVectors.Normalised(1, Dim, seed: 10);
        var ex = Assert.Throws<DimensionMismatchException>(() => index.SearchDocuments(query, 5, new uint[39]));
        Assert.That(ex!.Message, Does.Contain("39"));
        // An empty map is not "no map": it is a map of the wrong length, never a slot search.
        Assert.Throws<DimensionMismatchException>(() => index.SearchDocuments(query, 5, ReadOnlySpan<uint>.Empty));
        Assert.Throws<DimensionMismatchException>(() =>
            index.SearchDocumentCandidates(query, 5, new uint[41], 0, new ulong[5], new float[5], new uint[1]));
    }
}
