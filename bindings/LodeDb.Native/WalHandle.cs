using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>
/// Owns one lodedb_wal*; releasing it calls lodedb_wal_close. Dispose is idempotent. The generated imports take this type, so the
/// source-generated marshalling adds a reference for the length of each call (a concurrent
/// Dispose defers the release until the call returns; a call after Dispose throws
/// ObjectDisposedException) and creates it for the out parameter of a create/open call.
/// </summary>
internal sealed class WalHandle : SafeHandle
{
    // Used by the marshalling of out parameters.
    public WalHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.WalClose(handle);
        return true;
    }
}
