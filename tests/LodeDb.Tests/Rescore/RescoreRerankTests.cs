namespace LodeDb.Tests;

/// <summary>The re-rank's fast paths give exactly what the per-row, scalar path gives.</summary>
public sealed class RescoreRerankTests
{
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(33)]
    [TestCase(100)]
    [TestCase(512)]
    [TestCase(515)]
    public void VectorisedInt8DecodeEqualsTheScalarProduct(int length)
    {
        sbyte[] values = Enumerable.Range(0, length).Select(i => (sbyte)((i * 37 + 128) % 256 - 128)).ToArray();
        const float scale = 0.0123456f;
        float[] decoded = new float[length];
        RescoreCodec.DecodeInt8(values, scale, decoded);
        Assert.That(decoded, Is.EqualTo(values.Select(v => v * scale).ToArray()));
    }

    [Test]
    public void RankKeysOrderByScoreDescendingThenSlot()
    {
        float[] scores = [0.5f, -0.25f, 0f, -0f, 1f, -1f, 0.5f, float.Epsilon, -float.Epsilon, 0.49999997f, 0f];
        var entries = scores.Select((s, i) => (Score: s, Slot: (ulong)(100 - i))).ToArray();
        ulong[] keys = entries.Select(e => RankOrder.Key(e.Score, e.Slot)).ToArray();
        Array.Sort(keys);
        var expected = entries.ToArray();
        Array.Sort(expected, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Slot.CompareTo(b.Slot));
        Assert.That(keys.Select(k => (ulong)(uint)k), Is.EqualTo(expected.Select(e => e.Slot)));
        Assert.That(keys.Select(RankOrder.ScoreOf), Is.EqualTo(expected.Select(e => e.Score)));
    }

    [TestCase(RescoreStorage.Int8)]
    [TestCase(RescoreStorage.Float16)]
    public void ScoringManySlotsEqualsScoringEachRow(RescoreStorage kind)
    {
        const int dim = 70;
        var random = new Random(17);
        float[][] vectors = Enumerable.Range(0, 40).Select(_ => RescoreData.Normalized(Vectors.Random(random, dim))).ToArray();
        byte[] Encode(float[] v)
        {
            byte[] row = new byte[RescoreCodec.RowBytes(kind, dim)];
            RescoreCodec.Encode(kind, v, row);
            return row;
        }

        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        string path = Path.Combine(folder.Path, "rows.rescore");
        using (RescoreStore written = RescoreStore.CreateEmpty(kind, dim))
        {
            foreach (float[] v in vectors)
            {
                written.Append(Encode(v));
            }

            written.Write(path, 3, sync: false);
        }

        using RescoreStore store = RescoreStore.Open(path, "rows.rescore", kind, dim, 3, vectors.Length);
        // Mapped rows, overflow rows (replaced and appended), then a compaction that drops some.
        store.Set(5, Encode(vectors[0]));
        store.Append(Encode(vectors[1]));
        ulong[] map = Enumerable.Range(0, store.SlotCount).Select(s => s % 7 == 3 ? ulong.MaxValue : (ulong)(s - (s + 3) / 7)).ToArray();
        store.Compact(map);
        float[] query = RescoreData.Normalized(Vectors.Random(random, dim));
        ulong[] slots = Enumerable.Range(0, store.SlotCount).Select(s => (ulong)(store.SlotCount - 1 - s)).ToArray();
        float[] scores = new float[slots.Length];
        store.Score(query, slots, scores, new float[dim]);
        byte[] row = new byte[store.RowBytes];
        float[] expected = slots.Select(s => store.Score(query, (int)s, row, new float[dim])).ToArray();
        Assert.That(scores, Is.EqualTo(expected));
        Assert.That(scores, Has.Some.GreaterThan(0f));
    }
}
