using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>Owns one lodedb_index*; releasing it calls lodedb_index_free. Dispose is idempotent.</summary>
public sealed class IndexHandle : SafeHandle
{
    public IndexHandle()
        : base(0, ownsHandle: true)
    {
    }

    internal IndexHandle(nint index)
        : base(0, ownsHandle: true) => SetHandle(index);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.IndexFree(handle);
        return true;
    }
}
