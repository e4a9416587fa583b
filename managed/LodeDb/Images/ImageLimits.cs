using System.Globalization;

namespace LodeDb.Images;

/// <summary>
/// Limits checked from an image's header before it is decoded (decompression-bomb guard): a
/// 20000 x 20000 PNG is a few hundred bytes on disk and 1.6 GB once decoded.
/// </summary>
public static class ImageLimits
{
    /// <summary>Environment variable that overrides <see cref="DefaultMaxPixels"/> (a positive integer).</summary>
    public const string MaxPixelsVariable = "LODEDB_MAX_IMAGE_PIXELS";

    /// <summary>Default pixel limit: 64 Mi pixels (67,108,864), 256 MiB once decoded to RGBA.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>Largest encoded image read into memory: 256 MiB (a camera JPEG is well under 50 MiB).</summary>
    public const long MaxEncodedBytes = 256L * 1024 * 1024;

    /// <summary>
    /// The pixel limit in effect: <see cref="MaxPixelsVariable"/> when set to a positive integer,
    /// else <see cref="DefaultMaxPixels"/>. A malformed value is an error, not silently ignored.
    /// </summary>
    public static long MaxPixels
    {
        get
        {
            string? raw = Environment.GetEnvironmentVariable(MaxPixelsVariable);
            if (string.IsNullOrWhiteSpace(raw))
            {
                return DefaultMaxPixels;
            }

            if (!long.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0)
            {
                throw new InvalidOperationException($"{MaxPixelsVariable}='{raw}' is not a positive whole number of pixels.");
            }

            return value;
        }
    }
}
