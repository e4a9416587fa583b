using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>File-system durability calls .NET lacks (it cannot open a directory to fsync it).</summary>
public static unsafe class NativeFileSystem
{
    /// <summary>Makes the directory entry of <paramref name="path"/> durable after the file was
    /// created or renamed there: fsync of the parent directory on POSIX, nothing on Windows
    /// (NTFS journals directory entries with the file).</summary>
    /// <exception cref="LodeDbIOException">The directory could not be opened or synced.</exception>
    public static void SyncParentDirectory(string path)
    {
        AbiCheck.Ensure();
        byte[] pathUtf8 = NativeUtf8.ToNullTerminated(path, nameof(path));
        fixed (byte* p = pathUtf8)
        {
            NativeStatus.Check(NativeMethods.SyncParentDirectory(p));
        }
    }
}
