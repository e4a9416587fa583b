using System.Runtime.InteropServices;

namespace LodeDb.Benchmarks.AddPath;

/// <summary>
/// The raw durability floor of one append: pwrite of the same bytes at the end of a file, then
/// fdatasync (what the WAL does under Fsync, minus its framing, locking and bindings), through
/// libc directly. Linux only. With <c>prewrite</c> the file is first filled with that many zero
/// bytes and fsynced, so later appends overwrite allocated, written blocks: fdatasync then has
/// no file size or extent change to commit (what a preallocated, pre-zeroed WAL would see).
/// </summary>
internal sealed partial class SyncFloor : IDisposable
{
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _file;
    private long _offset;

    public SyncFloor(string path, int prewrite = 0)
    {
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        if (prewrite > 0)
        {
            RandomAccess.Write(_file, new byte[prewrite], 0);
            RandomAccess.FlushToDisk(_file);
        }
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
