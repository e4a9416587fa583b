using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>
/// Finds liblodedb for the [LibraryImport("lodedb")] declarations of this assembly. Probes, in order:
/// the LODEDB_NATIVE_LIBRARY environment variable (an explicit file path), where NuGet's
/// LodeDb.Native.runtime.&lt;rid&gt; packages put it (the app's runtimes/&lt;rid&gt;/native/, the app
/// folder, where the packages' native asset lands after a RID-specific publish and where the
/// repository's build copies the CMake output in development, see LodeDb.Native.targets), then
/// the runtime's default probing (the deps.json native assets and the system library path).
/// Nothing here knows about the repository: a shipped app never probes a build folder.
/// </summary>
public static class NativeLibraryResolver
{
    /// <summary>Environment variable naming the library file to load, bypassing every other probe.</summary>
    public const string EnvironmentVariable = "LODEDB_NATIVE_LIBRARY";

    private static readonly Lock Gate = new();
    private static nint s_handle;
    private static string? s_loadedPath;
    private static string? s_loadedBy;

    /// <summary>liblodedb.so, liblodedb.dylib or liblodedb.dll (the MinGW build keeps the lib prefix).</summary>
    public static string FileName =>
        OperatingSystem.IsWindows() ? "liblodedb.dll" :
        OperatingSystem.IsMacOS() ? "liblodedb.dylib" : "liblodedb.so";

    /// <summary>The RIDs a LodeDb.Native.runtime.&lt;rid&gt; package exists for.</summary>
    public static IReadOnlyList<string> SupportedRuntimeIdentifiers { get; } =
    [
        "linux-x64", "linux-arm64", "linux-musl-x64", "linux-musl-arm64",
        "win-x64", "win-arm64", "osx-x64", "osx-arm64",
    ];

    /// <summary>The portable RID of this process (linux-x64, linux-musl-arm64, osx-arm64, win-x64, ...):
    /// the runtimes/&lt;rid&gt; folder NuGet's native assets for this process live in.</summary>
    public static string RuntimeIdentifier
    {
        get
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : IsMusl() ? "linux-musl" : "linux";
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            return $"{os}-{arch}";
        }
    }

    // Alpine and other musl distributions: the runtime's own RID says so (linux-musl-x64, or
    // alpine.3.20-x64 from a distribution-built runtime); otherwise musl's loader is mapped into
    // this process. (A file check such as /lib/ld-musl-*.so.1 would also match a glibc system
    // with Debian's musl package installed.)
    private static bool IsMusl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        string rid = RuntimeInformation.RuntimeIdentifier;
        if (rid.Contains("musl", StringComparison.Ordinal) || rid.StartsWith("alpine", StringComparison.Ordinal))
        {
            return true;
        }
        try
        {
            return File.ReadLines("/proc/self/maps").Any(line => line.Contains("/ld-musl-", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The path the resolver loaded, or null before the first native call or when the
    /// runtime's default probing found the library (see <see cref="NativeLibraryInfo.LibraryPath"/>).</summary>
    public static string? LoadedPath
    {
        get
        {
            lock (Gate)
            {
                return s_loadedPath;
            }
        }
    }

    /// <summary>Which probe found the library: "environment", "runtimes", "app" or "default".</summary>
    public static string? LoadedBy
    {
        get
        {
            lock (Gate)
            {
                return s_loadedBy;
            }
        }
    }

#pragma warning disable CA2255 // A module initializer in a library: the resolver must be in place before any import binds.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    /// <summary>The explicit file candidates in probing order; the runtime's default probing comes
    /// after them.</summary>
    public static IReadOnlyList<(string Probe, string Path)> CandidatePaths()
    {
        var candidates = new List<(string, string)>();
        string? explicitPath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            candidates.Add(("environment", Path.GetFullPath(explicitPath)));
            return candidates; // explicit means explicit: never fall back to another copy.
        }
        string baseDir = AppContext.BaseDirectory;
        string rid = RuntimeIdentifier;
        candidates.Add(("runtimes", Path.Combine(baseDir, "runtimes", rid, "native", FileName)));
        candidates.Add(("app", Path.Combine(baseDir, FileName)));
        return candidates;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.LibraryName)
        {
            return 0;
        }
        lock (Gate)
        {
            if (s_handle != 0)
            {
                return s_handle;
            }
            var tried = new List<string>();
            foreach (var (probe, path) in CandidatePaths())
            {
                if (probe == "environment")
                {
                    // A wrong explicit path is an error to report, not a reason to load another copy.
                    if (!NativeLibrary.TryLoad(path, out nint explicitHandle))
                    {
                        throw new DllNotFoundException(
                            $"{EnvironmentVariable}='{path}' could not be loaded (missing file, wrong architecture or missing dependency).");
                    }
                    return Remember(explicitHandle, path, probe);
                }
                tried.Add(path);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out nint handle))
                {
                    return Remember(handle, path, probe);
                }
            }
            if (TryDefaultProbing(libraryName, assembly, searchPath, out nint fallback))
            {
                return Remember(fallback, null, "default");
            }
            throw new DllNotFoundException(MissingLibraryMessage(tried));
        }
    }

    private static bool TryDefaultProbing(string libraryName, Assembly assembly, DllImportSearchPath? searchPath, out nint handle) =>
        NativeLibrary.TryLoad(libraryName, assembly, searchPath, out handle) ||
        NativeLibrary.TryLoad(Path.GetFileNameWithoutExtension(FileName), assembly, searchPath, out handle);

    /// <summary>What to add when no copy of the library loads: the runtime package of this RID.</summary>
    internal static string MissingLibraryMessage(IEnumerable<string> tried)
    {
        string rid = RuntimeIdentifier;
        string fix = SupportedRuntimeIdentifiers.Contains(rid)
            ? $"Reference the NuGet package LodeDb (or LodeDb.Native), which brings LodeDb.Native.runtime.{rid}; " +
              $"or add LodeDb.Native.runtime.{rid} itself if your project excludes transitive native assets"
            : $"No LodeDb.Native.runtime package exists for {rid} (supported: {string.Join(", ", SupportedRuntimeIdentifiers)})";
        return $"liblodedb ({FileName}) for {rid} was not found. {fix}; or set {EnvironmentVariable} to the library file. " +
               $"Tried: {string.Join(", ", tried)}, then the runtime's default probing.";
    }

    private static nint Remember(nint handle, string? path, string probe)
    {
        s_handle = handle;
        s_loadedPath = path;
        s_loadedBy = probe;
        return handle;
    }
}
