using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>
/// The managed side's one copy of the native core's limits, checked before a value reaches it:
/// the dimension limit comes from <c>lodedb.h</c> (<see cref="NativeConstants.MaxDimension"/>),
/// the bit widths are those the core has codebooks and scan kernels for.
/// </summary>
internal static class StoreLimits
{
    public const int MaxDimension = NativeConstants.MaxDimension;

    public static bool IsDimension(int dim) => dim >= 1 && dim <= MaxDimension;

    public static bool IsBitWidth(int bits) => bits is 2 or 4;
}
