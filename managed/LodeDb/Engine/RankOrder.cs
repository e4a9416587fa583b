namespace LodeDb;

/// <summary>
/// The one tie-break rule of every managed ranking: score descending, then slot ascending (the
/// earlier row wins a tie), with -0 equal to +0 as the float comparison has it. The native scan
/// orders its top-k by the same rule, so a re-ranked list and a native one agree.
/// </summary>
internal static class RankOrder
{
    /// <summary>
    /// A key whose ascending order is (score descending, slot ascending): the score's bits mapped
    /// to an order-preserving unsigned integer, inverted, above the slot (below 2^32).
    /// </summary>
    public static ulong Key(float score, ulong slot)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score + 0f);
        uint ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ((ulong)~ordered << 32) | slot;
    }

    /// <summary>The score a <see cref="Key"/> was made from.</summary>
    public static float ScoreOf(ulong key)
    {
        uint ordered = ~(uint)(key >> 32);
        uint bits = (ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>The slot a <see cref="Key"/> was made from.</summary>
    public static ulong SlotOf(ulong key) => (uint)key;

    /// <summary>The rule as a comparison of (score, slot) entries: negative when the first ranks before the second.</summary>
    public static int Compare(double firstScore, ulong firstSlot, double secondScore, ulong secondSlot)
    {
        int byScore = secondScore.CompareTo(firstScore);
        return byScore != 0 ? byScore : firstSlot.CompareTo(secondSlot);
    }
}
