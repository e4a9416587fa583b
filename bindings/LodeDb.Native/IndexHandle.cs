using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>
/// Owns one lodedb_index*; releasing it calls lodedb_index_free. Dispose is idempotent. The generated imports take this type, so the
/// source-generated marshalling adds a reference for the length of each call (a concurrent
/// Dispose defers the release until the call returns; a call after Dispose throws
/// ObjectDisposedException) and creates it for the out parameter of a create/open call.
/// </summary>
internal sealed class IndexHandle : SafeHandle
{
    // Used by the marshalling of out parameters.
    public IndexHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.IndexFree(handle);
        return true;
    }
}
