using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

/// <summary>Rules the native core owns and the binding only exposes: bit widths, dimensions, threads.</summary>
public sealed class NativeRulesTests
{
    [Test]
    public void TheBitWidthMaskIsWhatTheCoreAccepts()
    {
        Assert.That(NativeIndex.SupportedBitWidths, Is.EqualTo(new[] { 2, 4 }));
        for (int bits = 0; bits <= 9; bits++)
        {
            if (NativeIndex.IsSupportedBitWidth(bits))
            {
                using var index = NativeIndex.Create(8, bits, seed: 1);
                Assert.That(index.Bits, Is.EqualTo(bits));
            }
            else
            {
                int b = bits;
                Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(8, b, seed: 1), $"bits {bits}");
            }
        }
        Assert.That(NativeIndex.IsSupportedBitWidth(-1) || NativeIndex.IsSupportedBitWidth(32), Is.False);
    }

    [Test]
    public void TheDimensionLimitIsWhatTheCoreAccepts()
    {
        Assert.That(NativeIndex.IsSupportedDimension(0), Is.False);
        Assert.That(NativeIndex.IsSupportedDimension(NativeConstants.MaxDimension + 1), Is.False);
        Assert.That(NativeIndex.IsSupportedDimension(1) && NativeIndex.IsSupportedDimension(NativeConstants.MaxDimension), Is.True);
        Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(NativeConstants.MaxDimension + 1, 4, seed: 1));
        Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(0, 4, seed: 1));
    }

    [Test]
    public void ThreadsAreACapAndAutomaticStaysOnOneThreadForASmallIndex()
    {
        using var index = NativeIndex.Create(16, 4, seed: 2);
        float[] vectors = TestVectors.Normalised(1000, 16, seed: 2); // 32 blocks
        index.Add(vectors);
        Assert.Multiple(() =>
        {
            Assert.That(index.SearchThreads(0), Is.EqualTo(1));
            Assert.That(index.SearchThreads(1), Is.EqualTo(1));
            Assert.That(index.SearchThreads(8), Is.EqualTo(2), "16 blocks per thread at least");
            Assert.That(index.SearchThreads(NativeIndex.AutoThreads), Is.EqualTo(1), "automatic: one thread below 65,536 slots");
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => index.SearchThreads(-2));
        SlotHit[][] one = index.Search(vectors.AsSpan(0, 3 * 16), 5, threads: 1);
        Assert.That(index.Search(vectors.AsSpan(0, 3 * 16), 5, NativeIndex.AutoThreads), Is.EqualTo(one));
        Assert.That(index.Search(vectors.AsSpan(0, 3 * 16), 5, 1000), Is.EqualTo(one));
    }

    [Test]
    public void AutomaticThreadsOnALargeIndexAreAtMostEightAndTheCpus()
    {
        using var index = NativeIndex.Create(8, 2, seed: 3);
        index.Add(TestVectors.Normalised(70_000, 8, seed: 3));
        int automatic = index.SearchThreads(NativeIndex.AutoThreads);
        // The core counts the CPUs of the affinity mask; .NET also reads a CPU quota, so its count
        // can only be lower.
        Assert.That(automatic, Is.InRange(Math.Min(8, Environment.ProcessorCount), 8));
        Assert.That(index.SearchThreads(1000), Is.EqualTo(NativeConstants.MaxThreads));
    }
}
