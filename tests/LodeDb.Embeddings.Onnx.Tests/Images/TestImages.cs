using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace LodeDb.Tests.Images;

/// <summary>
/// Encoded test images, made at test time: drawn with SkiaSharp and encoded (PNG, JPEG, WebP), or
/// written byte by byte where Skia has no encoder (GIF, BMP) or the point is a crafted header
/// (a 20000 x 20000 PNG of a few hundred bytes, an EXIF orientation). Shared by both test projects.
/// </summary>
internal static class TestImages
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

        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
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

    /// <summary>A 1 x 1 GIF89a.</summary>
    public static byte[] Gif() =>
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    /// <summary>An uncompressed 24-bit BMP of one colour.</summary>
    public static byte[] Bmp(int width, int height, SKColor colour)
    {
        int stride = (width * 3 + 3) & ~3;
        int pixels = stride * height;
        var bmp = new byte[54 + pixels];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), pixels);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int at = 54 + y * stride + x * 3;
                bmp[at] = colour.Blue;
                bmp[at + 1] = colour.Green;
                bmp[at + 2] = colour.Red;
            }
        }

        return bmp;
    }

    /// <summary><paramref name="jpeg"/> with an EXIF APP1 segment (orientation tag only) inserted after its SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new List<byte>();
        tiff.AddRange("II*\0"u8.ToArray());
        tiff.AddRange(BitConverter.GetBytes(8u)); // IFD0 at offset 8 (little endian on every .NET platform in use)
        tiff.AddRange(BitConverter.GetBytes((ushort)1));
        tiff.AddRange(BitConverter.GetBytes((ushort)0x0112)); // Orientation
        tiff.AddRange(BitConverter.GetBytes((ushort)3)); // SHORT
        tiff.AddRange(BitConverter.GetBytes(1u));
        tiff.AddRange(BitConverter.GetBytes(orientation));
        tiff.AddRange(new byte[2]);
        tiff.AddRange(BitConverter.GetBytes(0u)); // no next IFD
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [jpeg[0], jpeg[1], .. app1, .. jpeg.AsSpan(2).ToArray()];
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
