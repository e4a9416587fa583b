using SkiaSharp;

using LodeDb.Diagnostics;

namespace LodeDb.Embeddings.Onnx.Diagnostics;

/// <summary>
/// Checks that images can be decoded here: SkiaSharp's native library loads and decodes a 2x1 PNG
/// (a red and a blue pixel) embedded below, pixel for pixel. A missing or mismatched libSkiaSharp
/// only shows at the first decode, so the doctor does one.
/// </summary>
internal static class ImageDecodingProbe
{
    /// <summary>A 2x1 RGB PNG: pixel 0 is (255, 0, 0), pixel 1 is (0, 0, 255). Written by a few lines of Python (zlib + struct).</summary>
    private static ReadOnlySpan<byte> TinyPng =>
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7B, 0x40, 0xE8,
        0xDD, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0xF8, 0xCF, 0x00, 0x04,
        0xFF, 0x01, 0x07, 0x00, 0x01, 0xFF, 0x3D, 0x7D, 0x8C, 0x49, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    public static DoctorCheck Run()
    {
        try
        {
            using SKBitmap? bitmap = SKBitmap.Decode(TinyPng);
            if (bitmap is null)
            {
                return new DoctorCheck("image-decoding", DoctorStatus.Failed, "SkiaSharp loaded but could not decode a PNG; images cannot be indexed or searched.");
            }

            SKColor left = bitmap.GetPixel(0, 0);
            SKColor right = bitmap.GetPixel(1, 0);
            if (bitmap.Width != 2 || bitmap.Height != 1 || left != new SKColor(255, 0, 0) || right != new SKColor(0, 0, 255))
            {
                return new DoctorCheck("image-decoding", DoctorStatus.Failed,
                    $"SkiaSharp decoded a 2x1 test PNG as {bitmap.Width}x{bitmap.Height} with pixels {left}, {right} (expected #FFFF0000, #FF0000FF).");
            }

            return new DoctorCheck("image-decoding", DoctorStatus.Ok, $"SkiaSharp {SkiaVersion()} decodes PNG (native libSkiaSharp loaded)");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            return new DoctorCheck("image-decoding", DoctorStatus.Failed,
                $"SkiaSharp's native library did not load ({Innermost(e).Message}). Install the SkiaSharp.NativeAssets package of this platform "
                + "(Linux: SkiaSharp.NativeAssets.Linux.NoDependencies) next to the app.");
        }
    }

    private static string SkiaVersion() =>
        typeof(SKBitmap).Assembly.GetName().Version?.ToString(3) ?? "?";

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
