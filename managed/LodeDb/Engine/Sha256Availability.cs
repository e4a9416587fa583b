using System.Runtime.InteropServices;

namespace LodeDb;

/// <summary>
/// Whether this process can compute SHA-256 (content hashes) without dying. On Linux .NET hashes
/// through OpenSSL, and when no libssl loads its crypto shim prints "No usable version of libssl
/// was found" and aborts the process: nothing to catch. Content hashes are on by default, so a
/// writable open checks first and refuses with a typed error (naming the fix) instead.
/// </summary>
internal static class Sha256Availability
{
    /// <summary>
    /// The sonames .NET's OpenSSL shim tries, in its order (CLR_OPENSSL_VERSION_OVERRIDE first):
    /// any one that loads is enough for the probe.
    /// </summary>
    internal static IReadOnlyList<string> LibSslNames { get; } =
        ["libssl.so.3", "libssl.so.1.1", "libssl.so.1.0.2", "libssl.so.1.0.0", "libssl.so.10", "libssl.so"];

    private static readonly Lazy<bool> Probe = new(() => !OperatingSystem.IsLinux() || AnyLoads(Candidates()));

    /// <summary>True unless this is Linux and no libssl loads (probed once per process).</summary>
    public static bool Usable => Probe.Value;

    /// <summary>Throws when content hashes are asked for and this process cannot compute them.</summary>
    /// <exception cref="PlatformNotSupportedException">No libssl loads on this Linux system.</exception>
    public static void ThrowIfUnavailable(string path, bool storeContentHash)
    {
        if (storeContentHash && !Usable)
        {
            throw Unavailable(path);
        }
    }

    /// <summary>True when one of <paramref name="names"/> loads (it is released again).</summary>
    internal static bool AnyLoads(IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }

        return false;
    }

    internal static PlatformNotSupportedException Unavailable(string path) => new(
        $"Cannot open '{path}' for writing with StoreContentHash = true: content hashes are SHA-256, which .NET computes through OpenSSL on Linux, and no libssl ({string.Join(", ", LibSslNames)}) loads here (.NET would abort the process on the first hash). Install OpenSSL (e.g. libssl3), or open with StoreContentHash = false to keep no content hashes.");

    private static IEnumerable<string> Candidates()
    {
        string? forced = Environment.GetEnvironmentVariable("CLR_OPENSSL_VERSION_OVERRIDE");
        return string.IsNullOrWhiteSpace(forced) ? LibSslNames : [$"libssl.so.{forced}", .. LibSslNames];
    }
}
