using CsCheck;
using LodeDb.Native;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// The managed walk over a log image (<see cref="WalFrames"/>: the native frame decoder plus the
/// torn-tail vs interior-damage rule) on damaged logs: it never throws but for an intact frame of
/// a newer format, every frame it returns lies inside the image in order without overlap, the
/// valid prefix is where the salvage starts, and damage is reported where no frame decodes.
/// </summary>
public sealed class WalFramesFuzzTests
{
    private static readonly Lazy<byte[]> Log = new(() =>
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        string path = folder.File("fuzz.wal");
        using (NativeWal wal = NativeWal.Open(path))
        {
            wal.Append(WalRecord.EncodeBegin(3), sync: false);
            for (int i = 0; i < 6; i++)
            {
                wal.Append(WalRecord.EncodeRemove($"row-{i}-{new string('x', i * 7)}"), sync: false);
            }
        }

        return File.ReadAllBytes(path);
    });

    [Test]
    public void DamagedLogsAreWalkedWithinBoundsAndNeverThrow()
    {
        byte[] log = Log.Value;
        Gen<byte[]> inputs = Gen.Select(ByteMutations.Some, mutations => ByteMutations.Apply(log, mutations));
        FuzzRun.Check(inputs, b => b.Length, data =>
        {
            (List<WalFrame> prefix, WalDamage? damage) = WalFrames.ReadPrefix(data);
            (List<WalFrame> salvaged, List<WalDamage> regions) = WalFrames.Salvage(data);
            CheckFrames(prefix, data.Length);
            CheckFrames(salvaged, data.Length);
            if (salvaged.Count < prefix.Count || !salvaged.Take(prefix.Count).SequenceEqual(prefix))
            {
                throw new InvalidOperationException("the valid prefix is not where the salvage starts");
            }

            long prefixEnd = prefix.Count == 0 ? 0 : prefix[^1].NextOffset;
            if ((damage is null) != (prefixEnd == data.Length) || (damage is not null && damage.Offset != prefixEnd))
            {
                throw new InvalidOperationException($"damage {damage} does not start where the valid prefix ends ({prefixEnd} of {data.Length})");
            }

            if (damage is not null && (regions.Count == 0 || regions[0].Offset != damage.Offset))
            {
                throw new InvalidOperationException("the salvage does not report the prefix's damage first");
            }
        }, e => e is NewerLogRecordException);
    }

    private static void CheckFrames(List<WalFrame> frames, long length)
    {
        long end = 0;
        foreach (WalFrame frame in frames)
        {
            if (frame.Offset < end || frame.PayloadOffset < frame.Offset || frame.PayloadLength < 0
                || frame.PayloadOffset + (long)frame.PayloadLength > frame.NextOffset || frame.NextOffset > length)
            {
                throw new InvalidOperationException($"frame {frame} lies outside the image ({length} bytes) or overlaps the previous one (ending at {end})");
            }

            end = frame.NextOffset;
        }
    }
}
