using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>Refuses a liblodedb built from another ABI version of lodedb.h, once, at first use:
/// calling into a library whose structs or signatures differ would corrupt memory silently.</summary>
internal static class AbiCheck
{
    private static volatile bool s_verified;

    public static void Ensure()
    {
        if (!s_verified)
        {
            Verify(NativeMethods.AbiVersion());
            s_verified = true;
        }
    }

    internal static void Verify(uint libraryAbi)
    {
        if (libraryAbi != (uint)NativeConstants.AbiVersion)
        {
            throw new NativeAbiMismatchException(libraryAbi, (uint)NativeConstants.AbiVersion,
                NativeLibraryInfo.LibraryPath ?? NativeLibraryResolver.FileName);
        }
    }
}
