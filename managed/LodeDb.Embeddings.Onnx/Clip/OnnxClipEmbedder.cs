using System.Runtime.CompilerServices;
using LodeDb.Embeddings.Onnx.Images;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A CLIP model running locally on ONNX Runtime: the text tower embeds strings
/// (<c>input_ids</c> [batch, 77] (+ <c>attention_mask</c>) -> <c>text_embeds</c>) and the vision tower
/// embeds encoded images (<c>pixel_values</c> [batch, 3, 224, 224] -> <c>image_embeds</c>), both
/// L2-normalised into one space, so a text query finds images and an image finds its neighbours.
/// </summary>
/// <remarks>
/// <para>The vision tower is loaded on the first image: an app that only embeds text never creates
/// its session nor loads SkiaSharp. Both towers' files are checked at construction.</para>
/// <para>Images (<see cref="DataContent"/>: JPEG, PNG, WebP, GIF first frame, BMP) are all checked
/// from their headers before any model run (empty, unsupported, over
/// <see cref="ImageLimits.MaxPixels"/>: <see cref="InvalidImageException"/>), then decoded one at a
/// time into the batch tensor (see <c>ClipImagePreprocessor</c>).</para>
/// <para>Thread-safe: ONNX Runtime's <c>Run</c> is, and each call owns its buffers.</para>
/// </remarks>
public sealed class OnnxClipEmbedder :
    IEmbeddingGenerator<string, Embedding<float>>,
    IEmbeddingGenerator<DataContent, Embedding<float>>,
    IDisposable
{
    /// <summary>Output of the text tower: [batch, dimension].</summary>
    public const string TextOutputName = "text_embeds";

    /// <summary>Output of the vision tower: [batch, dimension].</summary>
    public const string ImageOutputName = "image_embeds";

    internal const string InputIdsName = "input_ids";
    internal const string AttentionMaskName = "attention_mask";
    internal const string PixelValuesName = "pixel_values";
    private const string ProviderName = "onnxruntime";
    private const string FolderHint = "a CLIP ONNX export (onnx/text_model.onnx, onnx/vision_model.onnx, vocab.json, merges.txt)";

    private readonly InferenceSession _textSession;
    private readonly ClipTextTokenizer _tokenizer;
    private readonly string[] _textInputs;
    private readonly int _contextLength;
    private readonly int _textBatchSize;
    private readonly int _imageBatchSize;
    private readonly long? _maxImagePixels;
    private readonly int _intraOpThreads;
    private readonly string? _preset;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly Lock _visionLock = new();
    private InferenceSession? _visionSession;
    private int _disposed;

    /// <summary>Opens the CLIP model in <paramref name="modelFolder"/>; the vision tower's file is checked but not loaded.</summary>
    /// <exception cref="ModelNotFoundException">The folder or one of its files is missing.</exception>
    /// <exception cref="ModelDamagedException">A file differs from the folder's <c>lodedb-model.json</c> manifest (see <see cref="ModelIntegrity"/>).</exception>
    /// <exception cref="ModelFormatException">The text tower's inputs/outputs or dimension, or the tokenizer files, do not fit.</exception>
    public OnnxClipEmbedder(string modelFolder, OnnxClipEmbedderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        options ??= new OnnxClipEmbedderOptions();
        options.Validate();

        ModelDirectory = Path.GetFullPath(modelFolder);
        _preset = options.Preset;
        _textBatchSize = options.TextBatchSize;
        _imageBatchSize = options.ImageBatchSize;
        _maxImagePixels = options.MaxImagePixels;
        _intraOpThreads = options.IntraOpNumThreads;
        ModelName = string.IsNullOrWhiteSpace(options.ModelId) ? new DirectoryInfo(ModelDirectory).Name : options.ModelId;

        if (!Directory.Exists(ModelDirectory))
        {
            throw new ModelNotFoundException(ModelDirectory, ModelDirectory, _preset, FolderHint);
        }

        TextModelFile = FindFile(ModelDirectory, options.TextModelFile, _preset);
        VisionModelFile = FindFile(ModelDirectory, options.VisionModelFile, _preset);
        Integrity = ModelIntegrity.Verify(ModelDirectory);
        _tokenizer = ClipTextTokenizer.Load(ModelDirectory, _preset, FolderHint);
        _contextLength = ClipTextTokenizer.ContextLength;

        _textSession = CreateSession(TextModelFile);
        try
        {
            (_textInputs, int dimension) = ClipSignature.CheckText(_textSession, TextModelFile);
            Dimension = dimension > 0 ? dimension : checked((int)RunText([_tokenizer.Encode(string.Empty, _contextLength)], 0, 1)[0].Length);
            if (options.ExpectedDimension is int expected && expected != Dimension)
            {
                throw new ModelFormatException(TextModelFile,
                    $"its {TextOutputName} are {Dimension}-dimensional, but {(_preset is null ? "the options expect" : $"the '{_preset}' preset is")} {expected}. " +
                    (_preset is null ? "Check the model folder." : $"The folder holds another model; download the right one with: {ModelPresets.PullCommand(_preset)}"));
            }
        }
        catch
        {
            _textSession.Dispose();
            throw;
        }

        _metadata = new EmbeddingGeneratorMetadata(ProviderName, new Uri(ModelDirectory + Path.DirectorySeparatorChar), ModelName, Dimension);
    }

    /// <summary>
    /// Opens <paramref name="preset"/> (e.g. <see cref="ClipModelPresets.Clip"/>, or a <c>with</c>
    /// variant) from its folder under <paramref name="modelRoot"/>, else <c>LODEDB_MODEL_DIR</c>,
    /// else the per-user cache (see <see cref="ModelFolderResolver"/>); a root that itself holds the
    /// preset's text tower is used as the model folder.
    /// </summary>
    /// <exception cref="ModelNotFoundException">The preset is not downloaded there; the message gives <c>lodedb models pull clip</c>.</exception>
    public static OnnxClipEmbedder ForPreset(ClipModelPreset preset, string? modelRoot = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        string root = ModelFolderResolver.ResolveRoot(modelRoot);
        string folder = Path.Combine(root, preset.Name.Trim().ToLowerInvariant());
        if (!File.Exists(Path.Combine(folder, preset.TextModelFile)) && File.Exists(Path.Combine(root, preset.TextModelFile)))
        {
            folder = root;
        }

        return new OnnxClipEmbedder(folder, preset.ToOptions());
    }

    /// <summary>The model folder.</summary>
    public string ModelDirectory { get; }

    /// <summary>The text tower's ONNX file.</summary>
    public string TextModelFile { get; }

    /// <summary>What the folder's manifest check found when the embedder opened (verified, or no manifest).</summary>
    public ModelIntegrityReport Integrity { get; }

    /// <summary>The vision tower's ONNX file (loaded on the first image).</summary>
    public string VisionModelFile { get; }

    /// <summary>Embedding dimension, read from the text tower's output (512 for ViT-B/32).</summary>
    public int Dimension { get; }

    /// <summary>Model id reported in metadata and on every embedding (the repository for a preset).</summary>
    public string ModelName { get; }

    /// <summary>Whether the vision tower's session exists: false until the first image is embedded.</summary>
    public bool IsVisionLoaded => Volatile.Read(ref _visionSession) is not null;

    /// <summary>Embeds texts with the text tower (unit-length vectors, in input order).</summary>
    /// <exception cref="ArgumentException">No texts, or a null one.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckDimensions(options);
        IReadOnlyList<string> texts = values as IReadOnlyList<string> ?? values.ToArray();
        return Task.FromResult(Wrap(EmbedTexts(texts, cancellationToken)));
    }

    /// <summary>
    /// Embeds encoded images (<see cref="DataContent.Data"/> with an <c>image/*</c> or
    /// <c>application/octet-stream</c> media type; the format is read from the bytes) with the vision
    /// tower, loading it on first use.
    /// </summary>
    /// <exception cref="InvalidImageException">An image is empty, not an image, corrupt or too large; raised before any model run for every header problem.</exception>
    /// <exception cref="ArgumentException">No images, or a null one.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckDimensions(options);
        IReadOnlyList<DataContent> images = values as IReadOnlyList<DataContent> ?? values.ToArray();
        return Task.FromResult(Wrap(EmbedImages(images, cancellationToken)));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        EmbedderServices.Get(this, _metadata, Footprint, serviceType, serviceKey);

    /// <summary>The text model's file, and the vision model's once its session exists (it is created on the first image).</summary>
    private Presets.ModelFootprint Footprint() =>
        new(new FileInfo(TextModelFile).Length + (Volatile.Read(ref _visionSession) is null ? 0 : new FileInfo(VisionModelFile).Length));

    /// <summary>Releases both sessions. Calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _textSession.Dispose();
            lock (_visionLock)
            {
                _visionSession?.Dispose();
            }
        }
    }

    /// <summary>The token ids of <paramref name="text"/> before padding (start, pieces, end).</summary>
    internal int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfDisposed();
        return _tokenizer.Encode(text, _contextLength);
    }

    internal float[][] EmbedTexts(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ThrowIfDisposed();
        if (texts.Count == 0)
        {
            throw new ArgumentException("No texts to embed: the batch is empty.", nameof(texts));
        }

        var tokens = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null; every text must be a string (it may be empty).", nameof(texts));
            tokens[i] = _tokenizer.Encode(text, _contextLength);
        }

        var vectors = new float[texts.Count][];
        for (int start = 0; start < tokens.Length; start += _textBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(_textBatchSize, tokens.Length - start);
            float[][] batch = RunText(tokens, start, count);
            Array.Copy(batch, 0, vectors, start, count);
        }

        return vectors;
    }

    // Not inlined: the image path is the only one that touches the Images code and SkiaSharp, so
    // text-only callers never JIT (and so never load) it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal float[][] EmbedImages(IReadOnlyList<DataContent> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ThrowIfDisposed();
        if (images.Count == 0)
        {
            throw new ArgumentException("No images to embed: the batch is empty.", nameof(images));
        }

        // Every header first: a bad image costs no model run (and no vision session).
        var sources = new string[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            DataContent image = images[i] ?? throw new ArgumentException($"images[{i}] is null.", nameof(images));
            sources[i] = image.Name is { Length: > 0 } name ? $"'{name}'" : $"images[{i}]";
            string mediaType = image.MediaType ?? "";
            if (!mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidImageException(InvalidImageReason.UnsupportedFormat, sources[i], $"its media type is '{mediaType}', not image/*.");
            }

            ImageProbe.Read(image.Data.Span, sources[i], _maxImagePixels);
        }

        InferenceSession session = EnsureVisionSession();
        var vectors = new float[images.Count][];
        for (int start = 0; start < images.Count; start += _imageBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(_imageBatchSize, images.Count - start);
            float[] pixels = new float[count * ClipImagePreprocessor.TensorLength];
            for (int i = 0; i < count; i++)
            {
                ClipImagePreprocessor.Preprocess(images[start + i].Data.Span, pixels.AsSpan(i * ClipImagePreprocessor.TensorLength, ClipImagePreprocessor.TensorLength), sources[start + i], _maxImagePixels);
            }

            using OrtValue input = OrtValue.CreateTensorValueFromMemory(pixels, [count, 3, ClipImagePreprocessor.Size, ClipImagePreprocessor.Size]);
            using var runOptions = new RunOptions();
            ThrowIfDisposed();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [PixelValuesName], [input], [ImageOutputName]);
            ReadRows(outputs[0], count, VisionModelFile, ImageOutputName, vectors, start);
        }

        return vectors;
    }

    private InferenceSession EnsureVisionSession()
    {
        InferenceSession? session = Volatile.Read(ref _visionSession);
        if (session is not null)
        {
            return session;
        }

        lock (_visionLock)
        {
            ThrowIfDisposed();
            if (_visionSession is not null)
            {
                return _visionSession;
            }

            session = CreateSession(VisionModelFile);
            try
            {
                ClipSignature.CheckVision(session, VisionModelFile, Dimension);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            Volatile.Write(ref _visionSession, session);
            return session;
        }
    }

    private static string FindFile(string folder, string relative, string? preset)
    {
        string path = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(path))
        {
            return path;
        }

        // A flat folder (text_model.onnx next to vocab.json) works too.
        string flat = Path.Combine(folder, Path.GetFileName(path));
        return File.Exists(flat) ? flat : throw new ModelNotFoundException(folder, path, preset, FolderHint);
    }

    private InferenceSession CreateSession(string file)
    {
        using var sessionOptions = new SessionOptions();
        if (_intraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = _intraOpThreads;
        }

        try
        {
            return new InferenceSession(file, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFormatException(file, $"ONNX Runtime cannot load it ({e.Message})", e);
        }
    }

    /// <summary>Checks the text tower; returns the inputs to feed and the dimension (0 when symbolic).</summary>
    /// <summary>Runs texts [start, start + count) padded to the context; returns their normalised vectors.</summary>
    private float[][] RunText(int[][] tokens, int start, int count)
    {
        int size = count * _contextLength;
        var ids = new long[size];
        var mask = new long[size];
        Array.Fill(ids, _tokenizer.PadId);
        for (int row = 0; row < count; row++)
        {
            int[] text = tokens[start + row];
            for (int t = 0; t < text.Length; t++)
            {
                ids[row * _contextLength + t] = text[t];
                mask[row * _contextLength + t] = 1;
            }
        }

        long[] shape = [count, _contextLength];
        var values = new List<OrtValue>(_textInputs.Length);
        try
        {
            foreach (string name in _textInputs)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(name == InputIdsName ? ids : mask, shape));
            }

            using var runOptions = new RunOptions();
            ThrowIfDisposed();
            using IDisposableReadOnlyCollection<OrtValue> outputs = _textSession.Run(runOptions, _textInputs, values, [TextOutputName]);
            var vectors = new float[count][];
            ReadRows(outputs[0], count, TextModelFile, TextOutputName, vectors, 0);
            return vectors;
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    private void ReadRows(OrtValue output, int count, string file, string name, float[][] vectors, int offset)
    {
        long[] shape = output.GetTensorTypeAndShape().Shape;
        int dimension = Dimension > 0 ? Dimension : (int)shape[^1];
        if (shape.Length != 2 || shape[0] != count || shape[1] != dimension)
        {
            throw new ModelFormatException(file, $"{name} came back as [{string.Join(", ", shape)}] for {count} inputs; expected [{count}, {dimension}].");
        }

        ReadOnlySpan<float> data = output.GetTensorDataAsSpan<float>();
        for (int row = 0; row < count; row++)
        {
            vectors[offset + row] = Normalize(data.Slice(row * dimension, dimension));
        }
    }

    private static float[] Normalize(ReadOnlySpan<float> v)
    {
        double squares = 0;
        foreach (float x in v)
        {
            squares += x * (double)x;
        }

        // torch.nn.functional.normalize's floor (eps 1e-12): a zero vector stays zero, not NaN.
        double scale = 1.0 / Math.Max(Math.Sqrt(squares), 1e-12);
        var result = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            result[i] = (float)(v[i] * scale);
        }

        return result;
    }

    private void CheckDimensions(EmbeddingGenerationOptions? options)
    {
        if (options?.Dimensions is int dimensions && dimensions != Dimension)
        {
            throw new ArgumentException($"This model produces {Dimension}-dimensional embeddings; {dimensions} were asked for.", nameof(options));
        }
    }

    private GeneratedEmbeddings<Embedding<float>> Wrap(float[][] vectors)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (float[] vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = ModelName, CreatedAt = now });
        }

        return result;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
