using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>Owns one lodedb_wal*; releasing it calls lodedb_wal_close. Dispose is idempotent.</summary>
public sealed class WalHandle : SafeHandle
{
    public WalHandle()
        : base(0, ownsHandle: true)
    {
    }

    internal WalHandle(nint wal)
        : base(0, ownsHandle: true) => SetHandle(wal);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.WalClose(handle);
        return true;
    }
}
