using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace LodeDb;

/// <summary>
/// The content hash a document is stored with (<see cref="LodeRecord.ContentHash"/>): SHA-256,
/// as 64 lower-case hex digits, of what the document was made from, as given to the add call:
/// a text document's text (UTF-8), a vector row's vector (its float32 coordinates,
/// little-endian, before normalisation; the caption is not included), an image row's encoded
/// image bytes. Compute the hash of your own content with these methods to see whether a stored
/// document is up to date without keeping or re-reading its text. See docs/file-formats.md.
/// </summary>
public static class LodeContentHash
{
    /// <summary>Bytes of a hash (SHA-256).</summary>
    public const int Bytes = SHA256.HashSizeInBytes;

    /// <summary>
    /// Whether this process can compute SHA-256: false on a Linux system where no OpenSSL
    /// library loads, where .NET would abort the process on the first hash instead of throwing.
    /// A writable <see cref="LodeDatabase.Open"/> that keeps content hashes refuses there.
    /// </summary>
    public static bool IsSupported => Sha256Availability.Usable;

    /// <summary>The hash of a text document's text.</summary>
    /// <exception cref="IllFormedStringException">The text holds a lone surrogate: no add accepts it, and its UTF-8 bytes would be those of U+FFFD.</exception>
    /// <exception cref="PlatformNotSupportedException"><see cref="IsSupported"/> is false.</exception>
    public static string OfText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfUnsupported();
        return Convert.ToHexStringLower(Text(StringValidation.WellFormed(text, "text", 0, nameof(text))));
    }

    /// <summary>The hash of a vector row's vector, as given (not normalised).</summary>
    /// <exception cref="PlatformNotSupportedException"><see cref="IsSupported"/> is false.</exception>
    public static string OfVector(ReadOnlySpan<float> vector)
    {
        ThrowIfUnsupported();
        return Convert.ToHexStringLower(Vector(vector));
    }

    /// <summary>The hash of an image row's encoded image (the file's bytes).</summary>
    /// <exception cref="PlatformNotSupportedException"><see cref="IsSupported"/> is false.</exception>
    public static string OfImage(ReadOnlySpan<byte> encoded)
    {
        ThrowIfUnsupported();
        return Convert.ToHexStringLower(SHA256.HashData(encoded));
    }

    // A typed error where .NET would abort the process (no OpenSSL on Linux).
    private static void ThrowIfUnsupported()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("SHA-256 is not available in this process: .NET computes it through OpenSSL on Linux, and no libssl loads here. Install OpenSSL (e.g. libssl3).");
        }
    }

    internal static byte[] Text(string text)
    {
        // Texts reaching the store are well-formed (ill-formed strings are refused), so the
        // UTF-8 bytes are exactly the text.
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return SHA256.HashData(utf8);
    }

    internal static byte[] Vector(ReadOnlySpan<float> vector)
    {
        if (BitConverter.IsLittleEndian)
        {
            return SHA256.HashData(MemoryMarshal.AsBytes(vector));
        }

        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return SHA256.HashData(bytes);
    }

    /// <summary>Flat hashes (count x 32 bytes) of several items, or null when hashes are not kept.</summary>
    internal static byte[]? Flat<T>(bool keep, IReadOnlyList<T> items, Func<T, byte[]> hash)
    {
        if (!keep)
        {
            return null;
        }

        var flat = new byte[checked(items.Count * Bytes)];
        for (int i = 0; i < items.Count; i++)
        {
            hash(items[i]).CopyTo(flat.AsSpan(i * Bytes));
        }

        return flat;
    }
}
