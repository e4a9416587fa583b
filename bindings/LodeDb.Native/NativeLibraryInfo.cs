using LodeDb.Native.Interop;

namespace LodeDb.Native;

/// <summary>Library-wide facts and the TurboQuant primitives (for tests, <c>doctor</c> and the managed checks).</summary>
public static unsafe class NativeLibraryInfo
{
    /// <summary>LODEDB_ABI_VERSION of the loaded library (no compatibility check: this is the check's input).</summary>
    public static uint AbiVersion => NativeMethods.AbiVersion();

    /// <summary>LODEDB_ABI_VERSION of the header this binding was generated from.</summary>
    public static uint BindingAbiVersion => (uint)NativeConstants.AbiVersion;

    /// <summary>Throws <see cref="NativeAbiMismatchException"/> when the loaded library's ABI differs.</summary>
    public static void EnsureCompatible() => AbiCheck.Ensure();

    /// <summary>Semantic version of the library, e.g. "0.1.0".</summary>
    public static string Version
    {
        get
        {
            AbiCheck.Ensure();
            return NativeUtf8.Read(NativeMethods.Version());
        }
    }

    /// <summary>The file the process loaded liblodedb from, when it can be told (null before the first call).</summary>
    public static string? LibraryPath => NativeLibraryResolver.LoadedPath ?? FindMappedLibrary();

    /// <summary>The kernel family the scan uses now.</summary>
    public static LodeDbSimd SimdLevel
    {
        get
        {
            AbiCheck.Ensure();
            return NativeMethods.SimdLevel();
        }
    }

    /// <summary>True when the level is compiled in and the CPU supports it.</summary>
    public static bool SimdSupported(LodeDbSimd level)
    {
        AbiCheck.Ensure();
        return NativeMethods.SimdSupported(level) != 0;
    }

    /// <summary>Switches the process to another supported level; not while a search runs.</summary>
    public static void ForceSimd(LodeDbSimd level)
    {
        AbiCheck.Ensure();
        NativeStatus.Check(NativeMethods.SimdForce(level));
    }

    public static string SimdName(LodeDbSimd level)
    {
        AbiCheck.Ensure();
        return NativeUtf8.Read(NativeMethods.SimdName(level));
    }

    /// <summary>Stable name of a status, e.g. "LODEDB_ERR_CORRUPT".</summary>
    public static string StatusName(LodeDbStatus status)
    {
        AbiCheck.Ensure();
        return NativeUtf8.Read(NativeMethods.StatusName(status));
    }

    /// <summary>CRC32C (Castagnoli) of data, continuing from crc (start with 0).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data, uint crc = 0)
    {
        AbiCheck.Ensure();
        fixed (byte* d = data)
        {
            return NativeMethods.Crc32c(crc, d, (nuint)data.Length);
        }
    }

    /// <summary>The dimension rounded up to a multiple of 8; 0 when out of range.</summary>
    public static int PaddedDim(int dimension)
    {
        AbiCheck.Ensure();
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        return checked((int)NativeMethods.PaddedDim((uint)dimension));
    }

    /// <summary>The 1 &lt;&lt; bits Lloyd-Max centroids of (dimension, bits), ascending.</summary>
    public static float[] Codebook(int dimension, int bits)
    {
        AbiCheck.Ensure();
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        // Sized from bits only when bits is sane; else let the library name the error.
        var centroids = new float[bits is >= 1 and <= 16 ? 1 << bits : 1];
        fixed (float* c = centroids)
        {
            NativeStatus.Check(NativeMethods.Codebook((uint)dimension, (uint)bits, c, (nuint)centroids.Length));
        }
        return centroids;
    }

    /// <summary>The 64-bit fingerprint of the codebook of (dimension, bits) stored in file headers.</summary>
    public static ulong CodebookFingerprint(int dimension, int bits)
    {
        AbiCheck.Ensure();
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ulong fingerprint;
        NativeStatus.Check(NativeMethods.CodebookFingerprint((uint)dimension, (uint)bits, &fingerprint));
        return fingerprint;
    }

    /// <summary>Applies the seeded rotation to one vector (input.Length is the dimension);
    /// output receives PaddedDim(input.Length) floats.</summary>
    public static void Rotate(ReadOnlySpan<float> input, ulong seed, Span<float> output)
    {
        AbiCheck.Ensure();
        fixed (float* i = input)
        fixed (float* o = output)
        {
            NativeStatus.Check(NativeMethods.Rotate((uint)input.Length, seed, i, o, (nuint)output.Length));
        }
    }

    public static float[] Rotate(ReadOnlySpan<float> input, ulong seed)
    {
        var output = new float[Math.Max(PaddedDim(input.Length), 1)];
        Rotate(input, seed, output);
        return output;
    }

    // When the runtime's default probing loaded the library, the resolver never saw a path:
    // on Linux the process's mappings still name the file.
    private static string? FindMappedLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.EndsWith("/" + NativeLibraryResolver.FileName, StringComparison.Ordinal))
                {
                    return line[slash..];
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
