using LodeDb.Embeddings.Onnx.Images;
using SkiaSharp;

namespace LodeDb.Embeddings.Onnx.Tests.Clip;

/// <summary>
/// CLIP's preprocessing (decode, EXIF orientation, alpha on white, antialiased bicubic resize of
/// the short side to 224, centre crop, normalisation) against the fixture's numpy reference and
/// across the decodable formats.
/// </summary>
public sealed class ClipImagePreprocessorTests
{
    private static float[] Tensor(byte[] encoded)
    {
        var tensor = new float[ClipImagePreprocessor.TensorLength];
        ClipImagePreprocessor.Preprocess(encoded, tensor);
        return tensor;
    }

    private static double MaxDifference(float[] a, float[] b) => VectorMath.MaxAbsDifference(a, b);

    private static double MeanDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - (double)y)).Average();

    [TestCase("tall_blue_circle", TestName = "Matches numpy: tall, downscaled, cropped top and bottom")]
    [TestCase("wide_green_square_rgba", TestName = "Matches numpy: wide RGBA, upscaled, cropped left and right, alpha on white")]
    public void Matches_the_numpy_reference_per_value(string name)
    {
        float[] expected = ClipFixture.ReferencePixels(name);

        float[] actual = Tensor(ClipFixture.ImageBytes(name));

        // Measured 1.2e-6 (float rounding); an 8-bit resize would be off by up to ~7e-3.
        Assert.That(MaxDifference(actual, expected), Is.LessThan(1e-4));
    }

    [Test]
    public void Exif_orientation_6_is_applied()
    {
        // Upright: 96 x 64, four flat quadrants (blocks aligned to JPEG's 16 x 16 MCUs).
        SKColor[] quadrant = [new(230, 20, 20), new(20, 200, 30), new(30, 40, 220), new(240, 220, 40)];
        using SKBitmap upright = TestImages.Bitmap(96, 64, (x, y) => quadrant[(y < 32 ? 0 : 2) + (x < 48 ? 0 : 1)]);
        // Stored: turned 90 degrees counter-clockwise; orientation 6 says "turn it clockwise to show it".
        using SKBitmap stored = TestImages.Bitmap(64, 96, (sx, sy) => upright.GetPixel(95 - sy, sx));
        byte[] jpeg = TestImages.WithExifOrientation(TestImages.Jpeg(stored), 6);

        ImageInfo info = ImageProbe.Read(jpeg);
        float[] fromExif = Tensor(jpeg);
        float[] fromUpright = Tensor(TestImages.Png(upright));
        float[] ignoringExif = Tensor(TestImages.Png(stored));

        Assert.Multiple(() =>
        {
            Assert.That(info.ExifOrientation, Is.EqualTo(6));
            Assert.That(MeanDifference(fromExif, fromUpright), Is.LessThan(0.08), "within JPEG tolerance of the upright image");
            Assert.That(MeanDifference(ignoringExif, fromUpright), Is.GreaterThan(0.5), "the control: unrotated differs");
        });
    }

    [Test]
    public void Gif_first_frame_is_used()
    {
        SKColor[] palette = [SKColors.Black, new(255, 0, 0), new(0, 0, 255), SKColors.White];
        byte[] red = Enumerable.Repeat((byte)1, 64).ToArray();
        byte[] blue = Enumerable.Repeat((byte)2, 64).ToArray();
        byte[] gif = TestImages.Gif(8, 8, palette, red, blue);
        using SKBitmap expected = TestImages.Bitmap(8, 8, (_, _) => new SKColor(255, 0, 0));

        Assert.That(ImageProbe.Read(gif).Format, Is.EqualTo("gif"));
        Assert.That(MaxDifference(Tensor(gif), Tensor(TestImages.Png(expected))), Is.LessThan(1e-6));
    }

    [Test]
    public void Bmp_decodes_bottom_up_rows_in_place()
    {
        using SKBitmap image = TestImages.Bitmap(16, 12, (x, y) => y < 4 ? new SKColor(250, 10, 10) : x < 8 ? new SKColor(10, 200, 10) : new SKColor(10, 10, 240));

        byte[] bmp = TestImages.Bmp(image);

        Assert.That(ImageProbe.Read(bmp).Format, Is.EqualTo("bmp"));
        Assert.That(MaxDifference(Tensor(bmp), Tensor(TestImages.Png(image))), Is.LessThan(1e-6));
    }

    [Test]
    public void Lossless_webp_decodes_to_the_same_tensor_as_png()
    {
        using SKBitmap image = TestImages.Bitmap(40, 30, (x, y) => new SKColor((byte)(x * 6), (byte)(y * 8), (byte)((x + y) * 3)));

        byte[] webp = TestImages.LosslessWebp(image);

        Assert.That(ImageProbe.Read(webp).Format, Is.EqualTo("webp"));
        Assert.That(MaxDifference(Tensor(webp), Tensor(TestImages.Png(image))), Is.LessThan(1e-6));
    }

    [Test]
    public void Transparent_pixels_are_composited_on_white()
    {
        using SKBitmap clear = TestImages.Bitmap(8, 8, (_, _) => new SKColor(0, 0, 0, 0));
        using SKBitmap half = TestImages.Bitmap(8, 8, (_, _) => new SKColor(0, 0, 0, 128));

        float[] white = Tensor(TestImages.Png(clear));
        float[] gray = Tensor(TestImages.Png(half));

        float expectedWhite = (1f - 0.48145466f) / 0.26862954f;
        float expectedGray = (1f - 128f / 255f - 0.48145466f) / 0.26862954f;
        Assert.Multiple(() =>
        {
            Assert.That(white[0], Is.EqualTo(expectedWhite).Within(1e-4));
            Assert.That(gray[0], Is.EqualTo(expectedGray).Within(1e-4));
        });
    }

    [Test]
    public void Oversized_header_is_rejected_before_decoding()
    {
        byte[] bomb = TestImages.PngHeader(20000, 20000);
        Assert.That(bomb, Has.Length.LessThan(300));

        var error = Assert.Throws<InvalidImageException>(() => Tensor(bomb))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
            Assert.That(error.Message, Does.Contain("20000 x 20000"));
        });
    }

    [Test]
    public void Empty_unsupported_and_corrupt_images_are_typed_errors()
    {
        byte[] png = ClipFixture.ImageBytes("red_circle");
        byte[] truncated = png[..200];
        byte[] garbage = [.. png[..8], .. Enumerable.Repeat((byte)0x5A, 64)];

        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<InvalidImageException>(() => Tensor([]))!.Reason, Is.EqualTo(InvalidImageReason.Empty));
            Assert.That(Assert.Throws<InvalidImageException>(() => Tensor("not an image at all"u8.ToArray()))!.Reason, Is.EqualTo(InvalidImageReason.UnsupportedFormat));
            Assert.That(Assert.Throws<InvalidImageException>(() => Tensor(garbage))!.Reason, Is.EqualTo(InvalidImageReason.Corrupt));
            Assert.That(Assert.Throws<InvalidImageException>(() => Tensor(truncated))!.Reason, Is.EqualTo(InvalidImageReason.Corrupt), "header fine, pixel data cut");
        });
    }
}
