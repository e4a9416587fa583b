using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace LodeDb.TestSupport;

/// <summary>
/// Encoded test images, made at test time: drawn with SkiaSharp and encoded (PNG, JPEG, WebP), or
/// written byte by byte where Skia has no encoder (GIF, BMP) or the point is a crafted header
/// (a 20000 x 20000 PNG of a few hundred bytes, an EXIF orientation). Shared by both test projects.
/// </summary>
public static class TestImages
{
    /// <summary>A <paramref name="width"/> x <paramref name="height"/> image filled with <paramref name="background"/>, with an optional square of <paramref name="mark"/> in its top-left quarter.</summary>
    public static byte[] Draw(int width, int height, SKColor background, SKColor? mark = null, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background);
            if (mark is SKColor color)
            {
                using var paint = new SKPaint { Color = color };
                canvas.DrawRect(0, 0, width / 2f, height / 2f, paint);
            }
        }

        return Encode(bitmap, format, quality);
    }

    /// <summary>An unpremultiplied RGBA bitmap whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    public static SKBitmap Bitmap(int width, int height, Func<int, int, SKColor> color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        return bitmap;
    }

    /// <summary><paramref name="bitmap"/> as a PNG.</summary>
    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png, 100);

    /// <summary><paramref name="bitmap"/> as a JPEG of quality 100.</summary>
    public static byte[] Jpeg(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Jpeg, 100);

    /// <summary><paramref name="bitmap"/> as a lossless WebP.</summary>
    public static byte[] LosslessWebp(SKBitmap bitmap)
    {
        using SKPixmap pixmap = bitmap.PeekPixels();
        using SKData data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100)) ?? throw new InvalidOperationException("Skia has no WebP encoder here.");
        return data.ToArray();
    }

    /// <summary>
    /// A valid PNG header (signature, IHDR, a short IDAT, IEND) announcing <paramref name="width"/>
    /// x <paramref name="height"/> RGBA pixels: tiny on disk, huge once decoded.
    /// </summary>
    public static byte[] PngHeader(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        WriteChunk(png, "IHDR", ihdr);
        // zlib stream of a few zero bytes (the start of the first scanline); the rest is missing.
        WriteChunk(png, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 1 x 1 white GIF89a.</summary>
    public static byte[] Gif() => Gif(1, 1, [SKColors.White, SKColors.Black, SKColors.Black, SKColors.Black], [0]);

    /// <summary>
    /// A GIF89a with a 4-colour palette and one frame per entry of <paramref name="frames"/> (palette
    /// indices, row-major). LZW by hand: a clear code before every two pixels keeps the code width at 3.
    /// </summary>
    public static byte[] Gif(int width, int height, SKColor[] palette, params byte[][] frames)
    {
        Assert.That(palette, Has.Length.EqualTo(4));
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x91, 0x00, 0x00]);
        foreach (SKColor c in palette)
        {
            gif.AddRange([c.Red, c.Green, c.Blue]);
        }

        foreach (byte[] frame in frames)
        {
            gif.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x00]);
            gif.Add(2); // LZW minimum code size: clear = 4, end = 5, codes of 3 bits
            var codes = new List<int>();
            for (int i = 0; i < frame.Length; i++)
            {
                if (i % 2 == 0)
                {
                    codes.Add(4);
                }

                codes.Add(frame[i]);
            }

            codes.Add(5);
            var packed = new List<byte>();
            int buffer = 0, bits = 0;
            foreach (int code in codes)
            {
                buffer |= code << bits;
                bits += 3;
                while (bits >= 8)
                {
                    packed.Add((byte)buffer);
                    buffer >>= 8;
                    bits -= 8;
                }
            }

            if (bits > 0)
            {
                packed.Add((byte)buffer);
            }

            for (int i = 0; i < packed.Count; i += 255)
            {
                int n = Math.Min(255, packed.Count - i);
                gif.Add((byte)n);
                gif.AddRange(packed.Skip(i).Take(n));
            }

            gif.Add(0);
        }

        gif.Add(0x3B);
        return gif.ToArray();
    }

    /// <summary>An uncompressed 24-bit BMP of one colour.</summary>
    public static byte[] Bmp(int width, int height, SKColor colour)
    {
        using SKBitmap bitmap = Bitmap(width, height, (_, _) => colour);
        return Bmp(bitmap);
    }

    /// <summary>An uncompressed 24-bit bottom-up BMP of <paramref name="bitmap"/>.</summary>
    public static byte[] Bmp(SKBitmap bitmap)
    {
        int width = bitmap.Width, height = bitmap.Height;
        int stride = (width * 3 + 3) & ~3;
        var bytes = new byte[54 + stride * height];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                bytes[row + x * 3] = c.Blue;
                bytes[row + x * 3 + 1] = c.Green;
                bytes[row + x * 3 + 2] = c.Red;
            }
        }

        return bytes;
    }

    /// <summary>
    /// <paramref name="jpeg"/> with an Exif APP1 segment (one IFD0 entry, Orientation =
    /// <paramref name="orientation"/>) inserted after its SOI marker, or after its JFIF APP0 when it has one.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        Assert.That(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        int insertAt = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0)
        {
            insertAt = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        }

        var tiff = new List<byte>();
        tiff.AddRange("MM"u8.ToArray());
        tiff.AddRange([0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]); // magic 42, IFD0 at offset 8
        tiff.AddRange([0x00, 0x01]);                          // one entry
        tiff.AddRange([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]); // Orientation, SHORT, count 1
        tiff.AddRange([(byte)(orientation >> 8), (byte)orientation, 0x00, 0x00]);
        tiff.AddRange([0x00, 0x00, 0x00, 0x00]);              // no next IFD
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg.AsSpan(0, insertAt), .. segment, .. jpeg.AsSpan(insertAt)];
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using SKData data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
        return data.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    // The PNG chunk CRC (IEEE 802.3, reflected 0xEDB88320). System.IO.Hashing is not among the
    // pinned packages, and the native Crc32C is the Castagnoli polynomial, not this one.
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
