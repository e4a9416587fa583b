using System.Runtime.InteropServices;
using System.Text;

namespace LodeDb.Native.Interop;

/// <summary>UTF-8 conversions for the <c>const char*</c> returns and parameters of the C ABI.</summary>
internal static unsafe class NativeUtf8
{
    /// <summary>Reads a NUL-terminated UTF-8 string owned by the library (not freed).</summary>
    public static string Read(byte* value) =>
        value == null ? string.Empty : Marshal.PtrToStringUTF8((nint)value) ?? string.Empty;

    /// <summary>NUL-terminated UTF-8 bytes of <paramref name="value"/>, to pin and pass as <c>const char*</c>.</summary>
    /// <exception cref="ArgumentException">The string holds a NUL character, which C would cut at.</exception>
    public static byte[] ToNullTerminated(string value, string paramName = "value")
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Contains('\0'))
        {
            throw new ArgumentException("The string must not contain a NUL character.", paramName);
        }
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
