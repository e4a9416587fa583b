using System.Numerics;
using SkiaSharp;

namespace LodeDb.Embeddings.Onnx.Images;

/// <summary>
/// CLIP's image preprocessing, written to match its PIL pipeline value by value: header check
/// (<see cref="ImageProbe"/>, the bomb guard) -> exact 8-bit decode with SkiaSharp to unpremultiplied
/// RGBA -> EXIF orientation -> alpha composited on white -> shortest side resized to 224 with PIL's
/// antialiased bicubic (a = -0.5, kernel widened by the downscale factor) -> centre crop 224 x 224
/// -> / 255 -> (x - mean) / std, channel-major.
/// </summary>
/// <remarks>
/// <para>The resize runs in float after the decode: an 8-bit resize alone would be off by up to
/// 0.5 / 255 / 0.27 ~ 7e-3 per normalised value. It is separable and only the output pixels inside
/// the crop (and the source rows they read) are computed.</para>
/// <para>Alpha: CLIP converts to RGB with PIL, which drops alpha and keeps whatever colour a
/// transparent pixel stores (often black or noise). Compositing on white instead gives the picture a
/// viewer shows for logos and cut-outs; an opaque image is unaffected.</para>
/// <para>Memory: one image at a time; the decoded bitmap (4 bytes a pixel, bounded by the pixel
/// limit) is released before the call returns.</para>
/// </remarks>
internal static class ClipImagePreprocessor
{
    /// <summary>Output side: 224.</summary>
    public const int Size = 224;

    /// <summary>Floats per image: 3 x 224 x 224.</summary>
    public const int TensorLength = 3 * Size * Size;

    /// <summary>CLIP's per-channel mean (RGB).</summary>
    public static ReadOnlySpan<float> Mean => [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>CLIP's per-channel standard deviation (RGB).</summary>
    public static ReadOnlySpan<float> Std => [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Writes the [3, 224, 224] tensor of <paramref name="encoded"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidImageException">Empty, unsupported, corrupt or over the limits.</exception>
    public static ImageInfo Preprocess(ReadOnlySpan<byte> encoded, Span<float> destination, string source = "bytes", long? maxPixels = null)
    {
        if (destination.Length < TensorLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; an image needs {TensorLength}.", nameof(destination));
        }

        ImageInfo info = ImageProbe.Read(encoded, source, maxPixels);
        using SKData data = SKData.CreateCopy(encoded);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new InvalidImageException(InvalidImageReason.Corrupt, source, "its header cannot be read.");
        }

        // No colour space on the target: Skia returns the stored 8-bit values, untransformed.
        var target = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(target))
        {
            throw new InvalidImageException(InvalidImageReason.TooLarge, source, $"{target.Width} x {target.Height} pixels cannot be allocated.");
        }

        // Frame 0 for animated GIF/WebP.
        SKCodecResult result = codec.GetPixels(target, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new InvalidImageException(InvalidImageReason.Corrupt, source, $"its pixel data cannot be decoded ({result}).");
        }

        Resample(bitmap.GetPixelSpan(), target.Width, target.Height, bitmap.RowBytes, (SKEncodedOrigin)info.ExifOrientation, destination);
        return info;
    }

    /// <summary>
    /// Orientation, alpha, resize, crop and normalisation of decoded RGBA (stored layout,
    /// <paramref name="rowBytes"/> per row) into <paramref name="destination"/> [3, 224, 224].
    /// </summary>
    internal static void Resample(ReadOnlySpan<byte> rgba, int width, int height, int rowBytes, SKEncodedOrigin origin, Span<float> destination)
    {
        // Display pixel (x, y) is stored at offset origin0 + x * stepX + y * stepY.
        (int displayWidth, int displayHeight, long origin0, long stepX, long stepY) = origin switch
        {
            SKEncodedOrigin.TopRight => (width, height, (width - 1) * 4L, -4L, (long)rowBytes),
            SKEncodedOrigin.BottomRight => (width, height, (height - 1L) * rowBytes + (width - 1) * 4L, -4L, -(long)rowBytes),
            SKEncodedOrigin.BottomLeft => (width, height, (height - 1L) * rowBytes, 4L, -(long)rowBytes),
            SKEncodedOrigin.LeftTop => (height, width, 0L, (long)rowBytes, 4L),
            SKEncodedOrigin.RightTop => (height, width, (height - 1L) * rowBytes, -(long)rowBytes, 4L),
            SKEncodedOrigin.RightBottom => (height, width, (height - 1L) * rowBytes + (width - 1) * 4L, -(long)rowBytes, -4L),
            SKEncodedOrigin.LeftBottom => (height, width, (width - 1) * 4L, (long)rowBytes, -4L),
            _ => (width, height, 0L, 4L, (long)rowBytes),
        };

        // Shortest side to 224, the other scaled and truncated (Hugging Face's CLIPImageProcessor).
        int resizedWidth, resizedHeight;
        if (displayWidth <= displayHeight)
        {
            resizedWidth = Size;
            resizedHeight = (int)(Size * (double)displayHeight / displayWidth);
        }
        else
        {
            resizedHeight = Size;
            resizedWidth = (int)(Size * (double)displayWidth / displayHeight);
        }

        int top = (resizedHeight - Size) / 2;
        int left = (resizedWidth - Size) / 2;
        Kernel columns = Kernel.Create(displayWidth, resizedWidth, left);
        Kernel rows = Kernel.Create(displayHeight, resizedHeight, top);
        int firstRow = rows.First[0];
        int lastRow = rows.First[Size - 1] + rows.Count[Size - 1];

        // Horizontal pass over the source rows the crop reads, one plane per channel: [channel][row][x].
        int bandRows = lastRow - firstRow;
        int bandPlane = bandRows * Size;
        float[] band = new float[3 * bandPlane];
        float[] line = new float[3 * displayWidth];
        Span<float> lineR = line.AsSpan(0, displayWidth);
        Span<float> lineG = line.AsSpan(displayWidth, displayWidth);
        Span<float> lineB = line.AsSpan(2 * displayWidth, displayWidth);
        for (int y = firstRow; y < lastRow; y++)
        {
            long offset = origin0 + y * stepY;
            for (int x = 0; x < displayWidth; x++, offset += stepX)
            {
                int p = (int)offset;
                byte a = rgba[p + 3];
                if (a == 255)
                {
                    lineR[x] = rgba[p];
                    lineG[x] = rgba[p + 1];
                    lineB[x] = rgba[p + 2];
                }
                else
                {
                    float alpha = a * (1f / 255f);
                    float white = 255f * (1f - alpha);
                    lineR[x] = rgba[p] * alpha + white;
                    lineG[x] = rgba[p + 1] * alpha + white;
                    lineB[x] = rgba[p + 2] * alpha + white;
                }
            }

            int row = (y - firstRow) * Size;
            for (int c = 0; c < Size; c++)
            {
                ReadOnlySpan<float> weights = columns.WeightsOf(c);
                int start = columns.First[c];
                band[row + c] = Dot(weights, lineR.Slice(start, weights.Length));
                band[bandPlane + row + c] = Dot(weights, lineG.Slice(start, weights.Length));
                band[2 * bandPlane + row + c] = Dot(weights, lineB.Slice(start, weights.Length));
            }
        }

        // Vertical pass, then / 255 and CLIP's normalisation, channel-major.
        const int Plane = Size * Size;
        Span<float> sum = stackalloc float[Size];
        for (int channel = 0; channel < 3; channel++)
        {
            ReadOnlySpan<float> source = band.AsSpan(channel * bandPlane, bandPlane);
            float mean = Mean[channel];
            float scale = 1f / (255f * Std[channel]);
            float shift = mean / Std[channel];
            for (int r = 0; r < Size; r++)
            {
                ReadOnlySpan<float> weights = rows.WeightsOf(r);
                int start = rows.First[r] - firstRow;
                sum.Clear();
                for (int k = 0; k < weights.Length; k++)
                {
                    AddScaled(sum, source.Slice((start + k) * Size, Size), weights[k]);
                }

                Span<float> output = destination.Slice(channel * Plane + r * Size, Size);
                for (int c = 0; c < Size; c++)
                {
                    // (v / 255 - mean) / std
                    output[c] = sum[c] * scale - shift;
                }
            }
        }
    }

    /// <summary>Sum of <paramref name="a"/>[i] * <paramref name="b"/>[i] (SIMD; the order of the additions differs from a loop by float rounding only).</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float total = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            Vector<float> acc = Vector<float>.Zero;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc += new Vector<float>(a.Slice(i)) * new Vector<float>(b.Slice(i));
            }

            total = Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    /// <summary><paramref name="sum"/>[i] += <paramref name="weight"/> * <paramref name="row"/>[i].</summary>
    private static void AddScaled(Span<float> sum, ReadOnlySpan<float> row, float weight)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<float>(weight);
            for (; i <= sum.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(sum.Slice(i)) + w * new Vector<float>(row.Slice(i))).CopyTo(sum.Slice(i));
            }
        }

        for (; i < sum.Length; i++)
        {
            sum[i] += weight * row[i];
        }
    }

    /// <summary>PIL's bicubic filter, a = -0.5.</summary>
    private static double Cubic(double x)
    {
        const double A = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0;
        }

        return x < 2.0 ? (((x - 5.0) * x + 8.0) * x - 4.0) * A : 0.0;
    }

    /// <summary>Resampling weights of the 224 output pixels starting at <c>offset</c> (PIL's precompute_coeffs).</summary>
    private sealed class Kernel
    {
        private readonly float[] _weights;
        private readonly int _stride;

        private Kernel(int[] first, int[] count, float[] weights, int stride)
        {
            First = first;
            Count = count;
            _weights = weights;
            _stride = stride;
        }

        /// <summary>First source pixel read by each output pixel.</summary>
        public int[] First { get; }

        /// <summary>Source pixels read by each output pixel.</summary>
        public int[] Count { get; }

        public ReadOnlySpan<float> WeightsOf(int output) => _weights.AsSpan(output * _stride, Count[output]);

        public static Kernel Create(int inputSize, int outputSize, int offset)
        {
            double scale = (double)inputSize / outputSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = 2.0 * filterScale;
            int stride = (int)Math.Ceiling(support) * 2 + 1;
            var first = new int[Size];
            var count = new int[Size];
            var weights = new float[Size * stride];
            var raw = new double[stride];
            for (int i = 0; i < Size; i++)
            {
                double center = (offset + i + 0.5) * scale;
                int min = Math.Max((int)(center - support + 0.5), 0);
                int max = Math.Min((int)(center + support + 0.5), inputSize);
                int n = max - min;
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    raw[k] = Cubic((k + min - center + 0.5) / filterScale);
                    sum += raw[k];
                }

                for (int k = 0; k < n; k++)
                {
                    weights[i * stride + k] = (float)(sum != 0 ? raw[k] / sum : 0);
                }

                first[i] = min;
                count[i] = n;
            }

            return new Kernel(first, count, weights, stride);
        }
    }
}
