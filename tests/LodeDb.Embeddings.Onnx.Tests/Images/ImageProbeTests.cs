using LodeDb.Embeddings.Onnx.Images;
using SkiaSharp;

namespace LodeDb.Embeddings.Onnx.Tests.Images;

/// <summary>The header guard: formats, every refusal reason, and the LODEDB_MAX_IMAGE_PIXELS override.</summary>
[NonParallelizable] // sets LODEDB_MAX_IMAGE_PIXELS
public sealed class ImageProbeTests
{
    private string? _saved;

    [SetUp]
    public void SaveVariable()
    {
        _saved = Environment.GetEnvironmentVariable(ImageLimits.MaxPixelsVariable);
        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, null);
    }

    [TearDown]
    public void RestoreVariable() => Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, _saved);

    [TestCase(SKEncodedImageFormat.Png, "png")]
    [TestCase(SKEncodedImageFormat.Jpeg, "jpeg")]
    [TestCase(SKEncodedImageFormat.Webp, "webp")]
    public void ReadsTheHeaderOfEncodedImages(SKEncodedImageFormat format, string name)
    {
        byte[] encoded = TestImages.Draw(40, 24, SKColors.Red, SKColors.Blue, format, 90);
        ImageInfo info = ImageProbe.Read(encoded);
        Assert.That(info, Is.EqualTo(new ImageInfo(40, 24, name, "image/" + name, 1)));
        Assert.That(info.Pixels, Is.EqualTo(960));
        Assert.That(info.DecodedBytes, Is.EqualTo(3840));
    }

    [Test]
    public void ReadsGifAndBmp()
    {
        Assert.That(ImageProbe.Read(TestImages.Gif()), Is.EqualTo(new ImageInfo(1, 1, "gif", "image/gif", 1)));
        Assert.That(ImageProbe.Read(TestImages.Bmp(3, 2, SKColors.Green)), Is.EqualTo(new ImageInfo(3, 2, "bmp", "image/bmp", 1)));
    }

    [Test]
    public void ReportsTheExifOrientation()
    {
        byte[] jpeg = TestImages.WithExifOrientation(TestImages.Draw(30, 20, SKColors.Yellow, format: SKEncodedImageFormat.Jpeg), 6);
        ImageInfo info = ImageProbe.Read(jpeg);
        Assert.That((info.Width, info.Height, info.ExifOrientation), Is.EqualTo((30, 20, 6)), "stored size, orientation 6 (rotate 90)");
    }

    [Test]
    public void EmptyInputIsRefused()
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(ReadOnlySpan<byte>.Empty, "photo.png"));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.Empty));
        Assert.That(ex.Source, Is.EqualTo("photo.png"));
        Assert.That(ex.Message, Does.Contain("photo.png").And.Contain("no bytes"));
    }

    [Test]
    public void NonImageBytesAreUnsupported()
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read("just some text, not an image at all"u8));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.UnsupportedFormat));
        Assert.That(ex.Message, Does.Contain("JPEG, PNG, WebP, GIF or BMP"));
    }

    [TestCase("GIF? no, text that starts like a GIF")]
    [TestCase("RIFF....AVI LIST")]
    public void TextResemblingASignatureIsUnsupported(string text)
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(System.Text.Encoding.ASCII.GetBytes(text)));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.UnsupportedFormat));
    }

    [Test]
    public void ADecodableButUnlistedFormatIsUnsupported()
    {
        // WBMP (type 0, 8 x 1, one byte of pixels): Skia reads it, LodeDb does not accept it.
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(new byte[] { 0x00, 0x00, 0x08, 0x01, 0xAA }));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.UnsupportedFormat));
    }

    [Test]
    public void ATruncatedPngIsCorrupt()
    {
        byte[] png = TestImages.Draw(16, 16, SKColors.Red);
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(png.AsSpan(0, 20)));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.Corrupt));
    }

    [Test]
    public void ADecompressionBombIsRefusedFromItsHeader()
    {
        byte[] bomb = TestImages.PngHeader(20_000, 20_000);
        Assert.That(bomb.Length, Is.LessThan(200), "a few hundred bytes on disk");
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(bomb, "bomb.png"));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
        Assert.That(ex.Message, Does.Contain("20000 x 20000").And.Contain(ImageLimits.MaxPixelsVariable));
    }

    [Test]
    public void TheDefaultLimitAdmitsAnImageAtTheLimit()
    {
        // 8192 x 8192 = exactly 64 Mi pixels; one more row is over.
        Assert.That(ImageProbe.Read(TestImages.PngHeader(8192, 8192)).Pixels, Is.EqualTo(ImageLimits.DefaultMaxPixels));
        Assert.That(Assert.Throws<InvalidImageException>(() => ImageProbe.Read(TestImages.PngHeader(8192, 8193)))!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
    }

    [Test]
    public void TooManyEncodedBytesAreRefusedBeforeParsing()
    {
        var huge = new byte[ImageLimits.MaxEncodedBytes + 1];
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(huge));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
        Assert.That(ex.Message, Does.Contain("-byte limit"));
    }

    [Test]
    public void TheEnvironmentVariableOverridesTheLimit()
    {
        byte[] small = TestImages.Draw(20, 20, SKColors.Blue);
        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, "399");
        Assert.That(ImageLimits.MaxPixels, Is.EqualTo(399));
        var ex = Assert.Throws<InvalidImageException>(() => ImageProbe.Read(small));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
        Assert.That(ex.Message, Does.Contain("20 x 20 = 400 pixels"));

        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, " 400 ");
        Assert.That(ImageProbe.Read(small).Pixels, Is.EqualTo(400));

        // Raising the limit admits the 400 MP header the default refuses.
        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, "400000000");
        Assert.That(ImageProbe.Read(TestImages.PngHeader(20_000, 20_000)).Pixels, Is.EqualTo(400_000_000L));
    }

    [Test]
    public void AnExplicitLimitWinsOverTheVariable()
    {
        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, "10");
        Assert.That(ImageProbe.Read(TestImages.Draw(20, 20, SKColors.Blue), maxPixels: 400).Pixels, Is.EqualTo(400));
        Assert.Throws<InvalidImageException>(() => ImageProbe.Read(TestImages.Draw(20, 20, SKColors.Blue), maxPixels: 399));
    }

    [TestCase("lots")]
    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("1e6")]
    [TestCase("99999999999999999999999")]
    public void AMalformedVariableIsAnError(string value)
    {
        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, value);
        var ex = Assert.Throws<InvalidOperationException>(() => ImageProbe.Read(TestImages.Draw(4, 4, SKColors.Red)));
        Assert.That(ex!.Message, Does.Contain(ImageLimits.MaxPixelsVariable).And.Contain(value));
    }

    [Test]
    public void AnUnsetOrBlankVariableMeansTheDefault()
    {
        Assert.That(ImageLimits.MaxPixels, Is.EqualTo(ImageLimits.DefaultMaxPixels));
        Environment.SetEnvironmentVariable(ImageLimits.MaxPixelsVariable, "   ");
        Assert.That(ImageLimits.MaxPixels, Is.EqualTo(ImageLimits.DefaultMaxPixels));
    }
}
