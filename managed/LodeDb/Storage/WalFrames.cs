using LodeDb.Native;
using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>One frame of a log image: where it starts and its payload.</summary>
internal readonly record struct WalFrame(long Offset, int PayloadOffset, int PayloadLength, long NextOffset);

/// <summary>
/// A stretch of a log image that does not decode: from <see cref="Offset"/> to
/// <see cref="ResumeOffset"/>, the next frame that decodes, or to the end (-1) for a torn tail.
/// </summary>
internal sealed record WalDamage(long Offset, long ResumeOffset, string Reason)
{
    /// <summary>Interior corruption: a valid frame follows, so acknowledged records are behind it.</summary>
    public bool IsInterior => ResumeOffset >= 0;

    public string Describe(string file) => IsInterior
        ? $"interior corruption in {file}: the frame at offset {Offset} is damaged ({Reason}) and a valid frame follows at offset {ResumeOffset}"
        : $"torn tail of {file} at offset {Offset} ({Reason})";
}

/// <summary>
/// Reads the frames of a WAL or journal image by the torn-tail vs interior-corruption rule
/// (docs/file-formats.md): a bad frame with no decodable frame after it is a torn tail, a crash
/// mid-append that was never acknowledged; a bad frame followed by any decodable frame is damage
/// to acknowledged data. The frame itself (magic, CRC, lengths) is decoded by the native
/// <c>lodedb_wal_next</c>, which also owns this rule for <c>lodedb_wal_replay_file</c>.
/// </summary>
internal static class WalFrames
{
    private static ReadOnlySpan<byte> Magic => "LWAL"u8;

    /// <summary>The frames of the valid prefix and the first damage after it (null at a clean end).</summary>
    public static (List<WalFrame> Frames, WalDamage? Damage) ReadPrefix(byte[] data)
    {
        var frames = new List<WalFrame>();
        long offset = 0;
        while (true)
        {
            switch (TryNext(data, offset, out WalFrame frame, out string? reason))
            {
                case FrameResult.End:
                    return (frames, null);
                case FrameResult.Bad:
                    return (frames, new WalDamage(offset, FindFrame(data, offset + 1), reason!));
                case FrameResult.Newer:
                    throw new NewerLogRecordException(offset, reason!);
            }

            frames.Add(frame);
            offset = frame.NextOffset;
        }
    }

    /// <summary>Every frame that decodes, skipping over damage, and every damaged stretch: what
    /// <c>verify</c> reports and <c>repair</c> salvages.</summary>
    public static (List<WalFrame> Frames, List<WalDamage> Damage) Salvage(byte[] data)
    {
        var frames = new List<WalFrame>();
        var damage = new List<WalDamage>();
        long offset = 0;
        while (offset < data.Length)
        {
            FrameResult result = TryNext(data, offset, out WalFrame frame, out string? reason);
            if (result == FrameResult.Ok)
            {
                frames.Add(frame);
                offset = frame.NextOffset;
                continue;
            }

            long resume = FindFrame(data, offset + 1);
            damage.Add(new WalDamage(offset, resume, result == FrameResult.Newer ? $"a record of a newer format version: {reason}" : reason!));
            if (resume < 0)
            {
                break;
            }

            offset = resume;
        }

        return (frames, damage);
    }

    /// <summary>The first offset at or after <paramref name="from"/> where a frame decodes, or -1.</summary>
    public static long FindFrame(byte[] data, long from)
    {
        long at = from;
        while (at < data.Length)
        {
            int hit = data.AsSpan((int)at).IndexOf(Magic);
            if (hit < 0)
            {
                return -1;
            }

            at += hit;
            if (TryNext(data, at, out _, out _) is FrameResult.Ok or FrameResult.Newer)
            {
                return at;
            }

            at++;
        }

        return -1;
    }

    private enum FrameResult
    {
        Ok,
        End,
        Bad,
        Newer,
    }

    private static FrameResult TryNext(byte[] data, long offset, out WalFrame frame, out string? reason)
    {
        frame = default;
        reason = null;
        LodeDbWalRecord? next;
        try
        {
            next = NativeWal.Next(data, (ulong)offset);
        }
        catch (CorruptDataException ex)
        {
            reason = ex.NativeMessage;
            return FrameResult.Bad;
        }
        catch (LodeDbNotSupportedException ex)
        {
            reason = ex.NativeMessage;
            return FrameResult.Newer;
        }

        if (next is not LodeDbWalRecord record)
        {
            return FrameResult.End;
        }

        frame = new WalFrame(offset, checked((int)record.PayloadOffset), checked((int)record.PayloadLength), checked((long)record.NextOffset));
        return FrameResult.Ok;
    }
}

/// <summary>An intact log record of a newer frame version: never truncated as a torn tail.</summary>
internal sealed class NewerLogRecordException(long offset, string reason) : Exception(reason)
{
    public long Offset { get; } = offset;
}
