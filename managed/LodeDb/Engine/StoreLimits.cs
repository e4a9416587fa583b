using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>
/// The native core's limits as the managed side checks them before a value reaches native code:
/// both are read from <c>lodedb.h</c> through the binding (<see cref="NativeConstants.MaxDimension"/>,
/// <see cref="LodeDb.Native.NativeIndex.IsSupportedBitWidth"/> over <c>LODEDB_SUPPORTED_BITS_MASK</c>),
/// never copied.
/// </summary>
internal static class StoreLimits
{
    public const int MaxDimension = NativeConstants.MaxDimension;

    public static bool IsDimension(int dim) => LodeDb.Native.NativeIndex.IsSupportedDimension(dim);

    public static bool IsBitWidth(int bits) => LodeDb.Native.NativeIndex.IsSupportedBitWidth(bits);
}
