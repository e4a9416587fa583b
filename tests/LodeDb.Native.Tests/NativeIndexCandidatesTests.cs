using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

/// <summary>NativeIndex.SearchCandidates: the scan's top candidates without the exact re-rank.</summary>
public sealed class NativeIndexCandidatesTests
{
    private const int Dim = 64;

    [Test]
    public void CandidatesHoldTheReRankedTopKWithApproximateScores()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 11);
        float[] vectors = TestVectors.Normalised(2000, Dim, seed: 11);
        index.Add(vectors);
        index.Remove(7);
        const int queries = 3;
        const int count = 100;
        var slots = new ulong[queries * count];
        var scores = new float[queries * count];
        var counts = new uint[queries];
        index.SearchCandidates(vectors.AsSpan(0, queries * Dim), count, 0, slots, scores, counts);
        SlotHit[][] top = index.Search(vectors.AsSpan(0, queries * Dim), k: 10);
        Assert.That(counts, Is.EqualTo(new uint[] { count, count, count }));
        for (int q = 0; q < queries; q++)
        {
            ulong[] candidates = slots.AsSpan(q * count, count).ToArray();
            float[] approx = scores.AsSpan(q * count, count).ToArray();
            float[] exact = index.ScoreSlots(vectors.AsSpan(q * Dim, Dim), candidates);
            Assert.Multiple(() =>
            {
                // The exact re-rank's top 10 comes from the scan's top 10 + 16, a subset of these.
                Assert.That(candidates, Is.SupersetOf(top[q].Select(h => h.Slot)));
                Assert.That(candidates, Is.Unique);
                Assert.That(candidates, Does.Not.Contain(7UL));
                Assert.That(approx, Is.Ordered.Descending);
                // Approximate, not exact, scores, but close to them.
                Assert.That(approx, Is.Not.EqualTo(exact));
                for (int i = 0; i < count; i++)
                {
                    Assert.That(approx[i], Is.EqualTo(exact[i]).Within(0.05f));
                }
            });
        }

        var threaded = new ulong[slots.Length];
        index.SearchCandidates(vectors.AsSpan(0, queries * Dim), count, 3, threaded, new float[scores.Length], new uint[queries]);
        Assert.That(threaded, Is.EqualTo(slots));
    }

    [Test]
    public void CandidatesRespectTheMaskAndTheirCount()
    {
        using var index = NativeIndex.Create(Dim, 2, seed: 12);
        float[] vectors = TestVectors.Normalised(130, Dim, seed: 12);
        index.Add(vectors);
        ulong[] mask = [0xAAAA_AAAA_AAAA_AAAAUL, 0UL, 0b10UL];
        var slots = new ulong[50];
        var scores = new float[50];
        var counts = new uint[1];
        index.SearchCandidates(vectors.AsSpan(0, Dim), 50, mask, 0, slots, scores, counts);
        Assert.That(counts[0], Is.EqualTo(33u));
        Assert.That(slots.Take(33), Has.All.Matches<ulong>(s => s == 129 || (s < 64 && s % 2 == 1)));
        Assert.That(slots[33], Is.EqualTo(NativeConstants.NoSlot));
        Assert.That(scores[49], Is.Zero);

        index.SearchCandidates(vectors.AsSpan(0, Dim), 5, ReadOnlySpan<ulong>.Empty, 0, slots, scores, counts);
        Assert.That(counts[0], Is.Zero);
        Assert.That(() => index.SearchCandidates(vectors.AsSpan(0, Dim), 0, 0, slots, scores, counts),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => index.SearchCandidates(vectors.AsSpan(0, Dim), 60, 0, slots, scores, counts),
            Throws.InstanceOf<ArgumentException>());
    }
}
