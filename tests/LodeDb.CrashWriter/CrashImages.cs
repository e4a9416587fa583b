using SkiaSharp;

/// <summary>
/// The deterministic image workload of the crash writer's images mode, shared with the test that
/// checks the folder after the kill: image i is a 48 x 48 PNG whose four quarters have colours
/// picked for i (so the colour/layout embedder tells the images apart) with per-pixel noise (so
/// its encoded bytes are unique and incompressible: finding them on disk cannot be chance).
/// </summary>
public static class CrashImages
{
    public const int Size = 48;

    private static readonly SKColor[] Palette =
    [
        new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(255, 255, 0),
        new(255, 0, 255), new(0, 255, 255), new(255, 255, 255), new(40, 40, 40),
    ];

    public static string Id(int i) => $"img-{i}";

    public static Dictionary<string, object?> Metadata(int i) => new() { ["n"] = i, ["file"] = Id(i) + ".png" };

    /// <summary>The PNG bytes of image <paramref name="i"/> (the same bytes on every call).</summary>
    public static byte[] Encoded(int i)
    {
        var random = new Random(7919 * i + 17);
        var quarters = new SKColor[4];
        for (int q = 0; q < quarters.Length; q++)
        {
            quarters[q] = Palette[random.Next(Palette.Length)];
        }

        using var bitmap = new SKBitmap(Size, Size, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                SKColor c = quarters[(y * 2 / Size) * 2 + x * 2 / Size];
                bitmap.SetPixel(x, y, new SKColor(Noisy(c.Red, random), Noisy(c.Green, random), Noisy(c.Blue, random)));
            }
        }

        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte Noisy(byte value, Random random) => (byte)Math.Clamp(value + random.Next(-12, 13), 0, 255);
}
