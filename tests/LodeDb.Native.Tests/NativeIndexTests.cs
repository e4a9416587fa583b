using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

public sealed class NativeIndexTests
{
    private const int Dim = 48;

    [TestCase(2)]
    [TestCase(4)]
    public void CreateReportsItsInfo(int bits)
    {
        using var index = NativeIndex.Create(Dim, bits, seed: 7);
        LodeDbIndexInfo info = index.Info;
        Assert.Multiple(() =>
        {
            Assert.That(info.Dim, Is.EqualTo(Dim));
            Assert.That(info.PaddedDim, Is.EqualTo(48));
            Assert.That(info.Bits, Is.EqualTo(bits));
            Assert.That(info.Seed, Is.EqualTo(7));
            Assert.That(info.SlotCount, Is.Zero);
            Assert.That(info.LiveCount, Is.Zero);
            Assert.That(info.CodeBytesPerRow, Is.EqualTo(48UL * (ulong)bits / 8));
            Assert.That(info.CodebookFingerprint, Is.EqualTo(NativeLibraryInfo.CodebookFingerprint(Dim, bits)));
            Assert.That(index.CodeBytesPerRow, Is.EqualTo((int)info.CodeBytesPerRow));
        });
    }

    [Test]
    public void AddThenSearchFindsEachVectorFirst()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        float[] vectors = TestVectors.Normalised(200, Dim, seed: 1);
        Assert.That(index.Add(vectors), Is.Zero);
        Assert.That(index.Add(vectors.AsSpan(0, Dim)), Is.EqualTo(200UL));
        Assert.That(index.LiveCount, Is.EqualTo(201UL));

        SlotHit[][] results = index.Search(vectors.AsSpan(Dim * 10, Dim * 3), k: 5);
        Assert.That(results, Has.Length.EqualTo(3));
        for (int q = 0; q < 3; q++)
        {
            Assert.That(results[q], Has.Length.EqualTo(5));
            Assert.That(results[q][0].Slot, Is.EqualTo((ulong)(10 + q)));
            Assert.That(results[q][0].Score, Is.GreaterThan(0.8f));
            Assert.That(results[q].Select(h => h.Score), Is.Ordered.Descending);
        }
    }

    [Test]
    public void SearchIntoCallerSpansLeavesUnusedEntriesEmpty()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 2);
        float[] vectors = TestVectors.Normalised(3, Dim, seed: 2);
        index.Add(vectors);
        var slots = new ulong[10];
        var scores = new float[10];
        var counts = new uint[2];
        index.Search(vectors.AsSpan(0, 2 * Dim), 5, 0, slots, scores, counts);
        Assert.That(counts, Is.EqualTo(new uint[] { 3, 3 }));
        Assert.That(slots[3], Is.EqualTo(NativeConstants.NoSlot));
        Assert.That(slots[9], Is.EqualTo(NativeConstants.NoSlot));
        Assert.That(scores[4], Is.Zero);
        Assert.That(slots[0], Is.Zero);
        Assert.That(slots[5], Is.EqualTo(1UL));
    }

    [Test]
    public void AllowMaskRestrictsTheResults()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 3);
        float[] vectors = TestVectors.Normalised(130, Dim, seed: 3);
        index.Add(vectors);
        // Allow only the odd slots below 128 and slot 129 (bit 1 of word 2).
        ulong[] mask = [0xAAAA_AAAA_AAAA_AAAAUL, 0xAAAA_AAAA_AAAA_AAAAUL, 0b10UL];
        SlotHit[] hits = index.Search(vectors.AsSpan(0, Dim), k: 200, mask)[0];
        Assert.That(hits, Has.Length.EqualTo(65));
        Assert.That(hits.Select(h => h.Slot), Has.All.Matches<ulong>(s => s % 2 == 1));
        Assert.That(hits.Select(h => h.Slot), Does.Contain(129UL));

        // Slots beyond the mask's words are not allowed.
        SlotHit[] shortMask = index.Search(vectors.AsSpan(0, Dim), k: 200, new ulong[] { 1UL })[0];
        Assert.That(shortMask.Select(h => h.Slot), Is.EqualTo(new ulong[] { 0 }));

        // An empty mask (a filter that matched nothing) allows nothing; it never widens to all.
        Assert.That(index.Search(vectors.AsSpan(0, Dim), k: 5, ReadOnlySpan<ulong>.Empty)[0], Is.Empty);
        var counts = new uint[1];
        index.Search(vectors.AsSpan(0, Dim), 5, ReadOnlySpan<ulong>.Empty, 0, new ulong[5], new float[5], counts);
        Assert.That(counts[0], Is.Zero);
    }

    [Test]
    public void SearchWithThreadsMatchesTheSingleThreadedScan()
    {
        using var index = NativeIndex.Create(Dim, 2, seed: 4);
        float[] vectors = TestVectors.Normalised(1000, Dim, seed: 4);
        index.Add(vectors);
        var single = index.Search(vectors.AsSpan(0, Dim * 4), k: 10, threads: 1);
        var multi = index.Search(vectors.AsSpan(0, Dim * 4), k: 10, threads: 2);
        Assert.That(multi, Is.EqualTo(single));
    }

    [Test]
    public void RemoveReplaceIsLiveAndCompact()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 5);
        float[] vectors = TestVectors.Normalised(4, Dim, seed: 5);
        index.Add(vectors);
        index.Remove(1);
        Assert.That(index.IsLive(1), Is.False);
        Assert.That(index.IsLive(2), Is.True);
        Assert.That(index.LiveCount, Is.EqualTo(3UL));
        Assert.That(index.Search(vectors.AsSpan(Dim, Dim), k: 4)[0].Select(h => h.Slot), Does.Not.Contain(1UL));

        // Replace revives a removed slot with another vector.
        index.Replace(1, vectors.AsSpan(3 * Dim, Dim));
        Assert.That(index.IsLive(1), Is.True);
        index.Remove(0);

        ulong[] map = index.Compact();
        Assert.That(map, Is.EqualTo(new[] { NativeConstants.NoSlot, 0UL, 1UL, 2UL }));
        Assert.That(index.SlotCount, Is.EqualTo(3UL));
        Assert.That(index.Search(vectors.AsSpan(2 * Dim, Dim), k: 1)[0][0].Slot, Is.EqualTo(1UL));
    }

    [Test]
    public void EncodeMatchesExportedRowsAndImportReproducesScores()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 6);
        float[] vectors = TestVectors.Normalised(5, Dim, seed: 6);
        index.Add(vectors);
        int rowBytes = index.CodeBytesPerRow;

        var encoded = new byte[5 * rowBytes];
        var encodedScales = new float[5];
        index.Encode(vectors, encoded, encodedScales);
        var exported = new byte[5 * rowBytes];
        var exportedScales = new float[5];
        index.ExportRows(0, exported, exportedScales);
        Assert.That(exported, Is.EqualTo(encoded));
        Assert.That(exportedScales, Is.EqualTo(encodedScales));

        using var copy = NativeIndex.Create(Dim, 4, seed: 6);
        Assert.That(copy.ImportRows(exported, exportedScales), Is.Zero);
        float[] query = vectors[..Dim];
        ulong[] slots = [0, 1, 2, 3, 4];
        Assert.That(copy.ScoreSlots(query, slots), Is.EqualTo(index.ScoreSlots(query, slots)));

        // ReplaceRow: slot 4 takes slot 0's row.
        copy.ReplaceRow(4, exported.AsSpan(0, rowBytes), exportedScales[0]);
        float[] scores = copy.ScoreSlots(query, [0UL, 4UL]);
        Assert.That(scores[1], Is.EqualTo(scores[0]));
    }

    [Test]
    public void ScoreSlotsAgreesWithSearch()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 8);
        float[] vectors = TestVectors.Normalised(50, Dim, seed: 8);
        index.Add(vectors);
        SlotHit[] hits = index.Search(vectors.AsSpan(0, Dim), k: 5)[0];
        float[] scores = index.ScoreSlots(vectors.AsSpan(0, Dim), hits.Select(h => h.Slot).ToArray());
        for (int i = 0; i < hits.Length; i++)
        {
            Assert.That(scores[i], Is.EqualTo(hits[i].Score).Within(1e-4f));
        }
    }

    [Test]
    public void SerializeDeserializeAndSaveLoadRoundTrip()
    {
        using var index = NativeIndex.Create(Dim, 2, seed: 9);
        float[] vectors = TestVectors.Normalised(70, Dim, seed: 9);
        index.Add(vectors);
        index.Remove(3);
        var expected = index.Search(vectors.AsSpan(0, Dim * 2), k: 7);

        byte[] bytes = index.Serialize();
        Assert.That(bytes.LongLength, Is.EqualTo(index.SerializedLength));
        LodeDbSnapshotHeader header = NativeIndex.ReadSnapshotHeader(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(header.Dim, Is.EqualTo(Dim));
            Assert.That(header.Bits, Is.EqualTo(2));
            Assert.That(header.Seed, Is.EqualTo(9));
            Assert.That(header.RowCount, Is.EqualTo(70));
            Assert.That(header.CodebookFingerprint, Is.EqualTo(index.Info.CodebookFingerprint));
        });
        using (var copy = NativeIndex.Deserialize(bytes))
        {
            Assert.That(copy.IsLive(3), Is.False);
            Assert.That(copy.Search(vectors.AsSpan(0, Dim * 2), k: 7), Is.EqualTo(expected));
        }

        string path = TestVectors.TempPath("index.snap");
        try
        {
            index.Save(path, sync: true);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes));
            using var loaded = NativeIndex.Load(path);
            Assert.That(loaded.Search(vectors.AsSpan(0, Dim * 2), k: 7), Is.EqualTo(expected));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void WrongSpanLengthsAreRejectedBeforeTheNativeCall()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 10);
        index.Add(TestVectors.Normalised(2, Dim, seed: 10));
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => index.Add(new float[Dim + 1]));
            Assert.Throws<ArgumentException>(() => index.Replace(0, new float[Dim - 1]));
            Assert.Throws<ArgumentException>(() => index.ScoreSlots(new float[Dim], [0UL, 1UL], new float[1]));
            // Output spans shorter than query_count * k would overrun native memory.
            Assert.Throws<ArgumentException>(() =>
                index.Search(new float[Dim], 4, 0, new ulong[3], new float[4], new uint[1]));
            Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[Dim], 0));
        });
    }
}
