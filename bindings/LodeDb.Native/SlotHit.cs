namespace LodeDb.Native;

/// <summary>One search result: a slot of the index and its estimated score (higher is closer).</summary>
public readonly record struct SlotHit(ulong Slot, float Score);
