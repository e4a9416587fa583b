using SkiaSharp;

namespace LodeDb.Tests.Images;

/// <summary>Options, images and on-disk checks shared by the image tests.</summary>
internal static class ImageTestSupport
{
    public static LodeDbOptions Options(ColourLayoutEmbedder embedder, bool? storeText = null, bool? indexText = null, CommitMode? mode = null, int batchSize = LodeDatabase.DefaultImageBatchSize, long batchBytes = LodeDatabase.DefaultImageBatchMaxDecodedBytes, int maxChunkChars = LodeDatabase.DefaultMaxChunkChars) => new()
    {
        Embedder = embedder,
        ModelName = ColourLayoutEmbedder.ModelName,
        StoreText = storeText,
        IndexText = indexText,
        CommitMode = mode,
        ImageBatchSize = batchSize,
        ImageBatchMaxDecodedBytes = batchBytes,
        MaxChunkChars = maxChunkChars,
    };

    public static byte[] Red => TestImages.Draw(32, 32, SKColors.Red);

    public static byte[] Green => TestImages.Draw(32, 32, SKColors.Lime);

    public static byte[] Blue => TestImages.Draw(32, 32, SKColors.Blue);

    public static byte[] Yellow => TestImages.Draw(32, 32, SKColors.Yellow);

    /// <summary>A PNG of random pixels: its compressed bytes are unique, so finding them on disk cannot be a coincidence.</summary>
    public static byte[] Noise(int seed, int size = 48)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Files of <paramref name="folder"/> holding any 32-byte window taken from the middle of <paramref name="encoded"/>.</summary>
    public static List<string> FilesHoldingBytesOf(string folder, byte[] encoded)
    {
        var windows = new List<byte[]>();
        for (int at = encoded.Length / 4; at + 32 <= encoded.Length * 3 / 4; at += Math.Max(32, encoded.Length / 16))
        {
            windows.Add(encoded.AsSpan(at, 32).ToArray());
        }

        Assert.That(windows, Is.Not.Empty);
        var found = new List<string>();
        foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).Length == 0)
            {
                continue;
            }

            byte[] data = File.ReadAllBytes(file);
            if (windows.Any(window => data.AsSpan().IndexOf(window) >= 0))
            {
                found.Add(Path.GetFileName(file));
            }
        }

        return found;
    }

    /// <summary>Open descriptors of this process pointing at <paramref name="path"/> (Linux: /proc/self/fd), or null where that cannot be seen.</summary>
    public static int? OpenHandlesTo(string path)
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return null;
        }

        int count = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is string target && target.StartsWith(path, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // a descriptor closed while listing
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return count;
    }
}
