using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

/// <summary>
/// Every SIMD level of the native scan returns exactly the scalar reference's results through the
/// public API: searches (batched and threaded), scan-only candidates with their scores, and exact
/// slot scores, at both bit widths and a dimension that needs padding. A level this machine or
/// build cannot run is reported as ignored with the reason, never as passed (the native CTest
/// suite checks every kernel variant bit for bit: test_scan_parity_*).
/// </summary>
public sealed class SimdLevelTests
{
    private const int Dim = 200;
    private const int Queries = 5;

    [TestCase(LodeDbSimd.Avx2, 2)]
    [TestCase(LodeDbSimd.Avx2, 4)]
    [TestCase(LodeDbSimd.Avx512, 2)]
    [TestCase(LodeDbSimd.Avx512, 4)]
    [TestCase(LodeDbSimd.Neon, 2)]
    [TestCase(LodeDbSimd.Neon, 4)]
    public void LevelMatchesScalar(LodeDbSimd level, int bits)
    {
        if (!NativeLibraryInfo.SimdSupported(level))
        {
            Assert.Ignore($"SIMD level {NativeLibraryInfo.SimdName(level)} is not supported by this CPU or build");
        }

        using var index = NativeIndex.Create(Dim, bits, seed: 5);
        float[] vectors = TestVectors.Normalised(3001, Dim, seed: 5);
        index.Add(vectors);
        index.Remove(11);
        ReadOnlySpan<float> queries = vectors.AsSpan(0, Queries * Dim);

        LodeDbSimd original = NativeLibraryInfo.SimdLevel;
        try
        {
            NativeLibraryInfo.ForceSimd(LodeDbSimd.Scalar);
            Results want = Run(index, queries);
            NativeLibraryInfo.ForceSimd(level);
            Assert.That(NativeLibraryInfo.SimdLevel, Is.EqualTo(level));
            Results got = Run(index, queries);
            Assert.Multiple(() =>
            {
                Assert.That(got.Search, Is.EqualTo(want.Search), "search");
                Assert.That(got.Threaded, Is.EqualTo(want.Search), "search with 3 threads");
                Assert.That(got.CandidateSlots, Is.EqualTo(want.CandidateSlots), "candidate slots");
                Assert.That(got.CandidateScores, Is.EqualTo(want.CandidateScores), "candidate scores");
                Assert.That(got.SlotScores, Is.EqualTo(want.SlotScores), "exact slot scores");
            });
        }
        finally
        {
            NativeLibraryInfo.ForceSimd(original);
        }
    }

    private sealed record Results(SlotHit[][] Search, SlotHit[][] Threaded, ulong[] CandidateSlots,
        float[] CandidateScores, float[] SlotScores);

    private static Results Run(NativeIndex index, ReadOnlySpan<float> queries)
    {
        const int count = 40;
        var slots = new ulong[Queries * count];
        var scores = new float[Queries * count];
        var counts = new uint[Queries];
        index.SearchCandidates(queries, count, 0, slots, scores, counts);
        ulong[] some = [0, 1, 31, 32, 1000, 3000];
        return new Results(index.Search(queries, k: 10), index.Search(queries, k: 10, threads: 3),
            slots, scores, index.ScoreSlots(queries[..Dim], some));
    }
}
