namespace LodeDb.Images;

/// <summary>What an image header says: size, container format, media type and EXIF orientation.</summary>
/// <param name="Width">Stored width in pixels (before the EXIF orientation is applied).</param>
/// <param name="Height">Stored height in pixels (before the EXIF orientation is applied).</param>
/// <param name="Format">"jpeg", "png", "webp", "gif" or "bmp".</param>
/// <param name="MediaType">The IANA media type, e.g. "image/png".</param>
/// <param name="ExifOrientation">EXIF orientation 1..8 (1 = as stored).</param>
public sealed record ImageInfo(int Width, int Height, string Format, string MediaType, int ExifOrientation)
{
    /// <summary>Width x height.</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>Bytes of the decoded image at 4 bytes per pixel (RGBA).</summary>
    public long DecodedBytes => Pixels * 4;
}
