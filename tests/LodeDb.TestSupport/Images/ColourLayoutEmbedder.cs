using Microsoft.Extensions.AI;
using SkiaSharp;

// Also compiled into tests/LodeDb.CrashWriter (linked, not copied) for its images mode: keep it
// free of test-only code.
namespace LodeDb.TestSupport;

/// <summary>
/// A real, deterministic image+text embedder of the kind a caller could write: the image side
/// decodes the pixels with SkiaSharp and returns the mean colour (R, G, B) plus the brightness of
/// each quarter (coarse layout); the text side maps colour words to the same R, G, B directions
/// and every other word to a hashed direction of its own. Nothing is hard-coded per image: every
/// vector is computed from the decoded pixels or the words. It records what it was asked.
/// </summary>
public sealed class ColourLayoutEmbedder : IEmbeddingGenerator<string, Embedding<float>>, IEmbeddingGenerator<DataContent, Embedding<float>>
{
    public const int Dimension = 16;
    public const string ModelName = "colour-layout-v1";

    private static readonly Dictionary<string, (float R, float G, float B)> Colours = new(StringComparer.Ordinal)
    {
        ["red"] = (1, 0, 0),
        ["green"] = (0, 1, 0),
        ["blue"] = (0, 0, 1),
        ["yellow"] = (1, 1, 0),
        ["magenta"] = (1, 0, 1),
        ["cyan"] = (0, 1, 1),
        ["white"] = (1, 1, 1),
    };

    private readonly object _gate = new();

    /// <summary>Each image call: how many images and their decoded bytes (width x height x 4 of the decoded bitmaps).</summary>
    public List<(int Count, long DecodedBytes)> ImageBatches { get; } = [];

    /// <summary>Options of each image call (ingest: null, query: lodedb.purpose = "query").</summary>
    public List<EmbeddingGenerationOptions?> ImageOptions { get; } = [];

    /// <summary>Media types passed with the images.</summary>
    public List<string> MediaTypes { get; } = [];

    public int TextCalls { get; private set; }

    /// <summary>Called after each image batch is embedded, with the number of batches so far (e.g. to cancel).</summary>
    public Action<int>? AfterImageBatch { get; set; }

    /// <summary>When set, image calls throw this.</summary>
    public Exception? ImageFailure { get; set; }

    public int ImageCalls
    {
        get
        {
            lock (_gate)
            {
                return ImageBatches.Count;
            }
        }
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (ImageFailure is not null)
        {
            throw ImageFailure;
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        long decoded = 0;
        var types = new List<string>();
        foreach (DataContent image in values)
        {
            using SKBitmap bitmap = SKBitmap.Decode(image.Data.ToArray()) ?? throw new InvalidDataException("the test embedder cannot decode an image");
            decoded += (long)bitmap.Width * bitmap.Height * 4;
            types.Add(image.MediaType);
            embeddings.Add(new Embedding<float>(FromPixels(bitmap)));
        }

        int batches;
        lock (_gate)
        {
            ImageBatches.Add((embeddings.Count, decoded));
            ImageOptions.Add(options);
            MediaTypes.AddRange(types);
            batches = ImageBatches.Count;
        }

        AfterImageBatch?.Invoke(batches);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(embeddings);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            TextCalls++;
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string text in values)
        {
            embeddings.Add(new Embedding<float>(FromWords(text)));
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("lodedb-tests", null, ModelName, Dimension)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>Mean R, G, B in [0, 1]; the brightness of the four quarters (weight 0.3); a small constant so black has a direction.</summary>
    private static float[] FromPixels(SKBitmap bitmap)
    {
        var vector = new float[Dimension];
        var quarters = new double[4];
        var quarterPixels = new int[4];
        double r = 0, g = 0, b = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                r += c.Red / 255.0;
                g += c.Green / 255.0;
                b += c.Blue / 255.0;
                int quarter = (y * 2 / bitmap.Height) * 2 + x * 2 / bitmap.Width;
                quarters[quarter] += (0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue) / 255.0;
                quarterPixels[quarter]++;
            }
        }

        double pixels = (double)bitmap.Width * bitmap.Height;
        vector[0] = (float)(r / pixels);
        vector[1] = (float)(g / pixels);
        vector[2] = (float)(b / pixels);
        for (int q = 0; q < 4; q++)
        {
            vector[3 + q] = quarterPixels[q] == 0 ? 0 : (float)(0.3 * quarters[q] / quarterPixels[q]);
        }

        vector[7] = 0.05f;
        return vector;
    }

    /// <summary>Colour words on the R, G, B axes; every other word on one of dimensions 8..15 (a stable hash).</summary>
    private static float[] FromWords(string text)
    {
        var vector = new float[Dimension];
        vector[7] = 0.05f;
        foreach (string word in text.ToLowerInvariant().Split([' ', ',', '.', ';', ':', '-', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Colours.TryGetValue(word, out var colour))
            {
                vector[0] += colour.R;
                vector[1] += colour.G;
                vector[2] += colour.B;
                continue;
            }

            int hash = 0;
            foreach (char c in word)
            {
                hash = hash * 31 + c;
            }

            vector[8 + (int)((uint)hash % 8)] += 1;
        }

        return vector;
    }
}
