using SkiaSharp;

namespace LodeDb.Embeddings.Onnx.Images;

/// <summary>
/// Reads an encoded image's header (never its pixels) and refuses what cannot or must not be
/// decoded. Call it before any decode or model call: it is the decompression-bomb guard.
/// Only image code paths touch this class, so a text-only app never loads SkiaSharp.
/// </summary>
public static class ImageProbe
{
    /// <summary>
    /// Checks <paramref name="encoded"/> and returns its header. Throws
    /// <see cref="InvalidImageException"/> for empty input, an unsupported format, an unreadable
    /// header or an image over <paramref name="maxPixels"/> (default <see cref="ImageLimits.MaxPixels"/>).
    /// </summary>
    /// <param name="encoded">The whole encoded file.</param>
    /// <param name="source">Names the image in error messages (a path, or "bytes").</param>
    /// <param name="maxPixels">Pixel limit; null = <see cref="ImageLimits.MaxPixels"/>.</param>
    public static ImageInfo Read(ReadOnlySpan<byte> encoded, string source = "bytes", long? maxPixels = null)
    {
        if (encoded.IsEmpty)
        {
            throw new InvalidImageException(InvalidImageReason.Empty, source, "it has no bytes.");
        }

        if (encoded.Length > ImageLimits.MaxEncodedBytes)
        {
            throw new InvalidImageException(InvalidImageReason.TooLarge, source,
                $"it is {encoded.Length:N0} bytes, over the {ImageLimits.MaxEncodedBytes:N0}-byte limit.");
        }

        long limit = maxPixels ?? ImageLimits.MaxPixels;
        using SKData data = SKData.CreateCopy(encoded);
        // SKCodec.Create parses the header only; pixels are decoded later, by GetPixels.
        // The codec takes ownership of the stream when it is created.
        var stream = new SKMemoryStream(data);
        using SKCodec? codec = SKCodec.Create(stream, out SKCodecResult result);
        if (codec is null)
        {
            stream.Dispose();
            // Bytes without a supported signature are "unsupported" whatever Skia answers (a short
            // text gives IncompleteInput, not InvalidInput).
            (InvalidImageReason reason, string detail) = result == SKCodecResult.Unimplemented || !LooksLikeSupported(encoded)
                ? (InvalidImageReason.UnsupportedFormat, "it is not a JPEG, PNG, WebP, GIF or BMP image.")
                : (InvalidImageReason.Corrupt, $"its header cannot be read ({result}).");
            throw new InvalidImageException(reason, source, detail);
        }

        string? format = FormatName(codec.EncodedFormat);
        if (format is null)
        {
            throw new InvalidImageException(InvalidImageReason.UnsupportedFormat, source,
                $"{codec.EncodedFormat} images are not supported (JPEG, PNG, WebP, GIF and BMP are).");
        }

        SKImageInfo info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidImageException(InvalidImageReason.Corrupt, source, $"its header gives a size of {info.Width} x {info.Height}.");
        }

        long pixels = (long)info.Width * info.Height;
        if (pixels > limit)
        {
            throw new InvalidImageException(InvalidImageReason.TooLarge, source,
                $"it is {info.Width} x {info.Height} = {pixels:N0} pixels, over the limit of {limit:N0} ({ImageLimits.MaxPixelsVariable}).");
        }

        return new ImageInfo(info.Width, info.Height, format, "image/" + format, (int)codec.EncodedOrigin);
    }

    /// <summary>The lowercase format name of a decodable format, or null.</summary>
    private static string? FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "jpeg",
        SKEncodedImageFormat.Png => "png",
        SKEncodedImageFormat.Webp => "webp",
        SKEncodedImageFormat.Gif => "gif",
        SKEncodedImageFormat.Bmp => "bmp",
        _ => null,
    };

    /// <summary>Signature check, so a truncated PNG is "corrupt" while a text file is "unsupported".</summary>
    private static bool LooksLikeSupported(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && b[0] == 0x89 && b.Slice(1, 3).SequenceEqual("PNG"u8)
        || b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF
        || b.StartsWith("GIF8"u8)
        || b.StartsWith("BM"u8)
        || b.Length >= 12 && b.StartsWith("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8);
}
