using System.Runtime.InteropServices;

namespace LodeDb.Native;

/// <summary>
/// Holds a reference on a SafeHandle for the length of one native call, so a concurrent Dispose
/// only marks the handle closed and the native free runs after the call returns: native code
/// never sees a freed pointer. A disposed handle throws ObjectDisposedException before the call.
/// </summary>
internal ref struct HandleLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    public HandleLease(SafeHandle handle, string objectName)
    {
        _handle = handle;
        _added = false;
        if (handle.IsClosed)
        {
            throw new ObjectDisposedException(objectName);
        }
        try
        {
            handle.DangerousAddRef(ref _added);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(objectName);
        }
    }

    public readonly nint Pointer => _handle.DangerousGetHandle();

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}
