using System.Runtime.InteropServices;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>
/// The raw durability floor of one append: pwrite of the same bytes at the end of a file, then
/// fdatasync (what the WAL does under Fsync, minus its framing, locking and bindings), through
/// libc directly. Linux only.
/// </summary>
internal sealed partial class SyncFloor : IDisposable
{
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _file;
    private long _offset;

    public SyncFloor(string path)
    {
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
    }

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    /// <summary>Appends <paramref name="bytes"/> and, when <paramref name="sync"/>, fdatasyncs.</summary>
    public unsafe void Append(ReadOnlySpan<byte> bytes, bool sync)
    {
        int fd = (int)_file.DangerousGetHandle();
        fixed (byte* p = bytes)
        {
            if (PWrite(fd, p, (nuint)bytes.Length, _offset) != bytes.Length)
            {
                throw new IOException($"pwrite failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        _offset += bytes.Length;
        if (sync && FDataSync(fd) != 0)
        {
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose() => _file.Dispose();
}
