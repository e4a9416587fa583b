using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// A BERT-family sentence embedder running locally on ONNX Runtime: WordPiece tokenization
/// (<c>vocab.txt</c>, optional <c>tokenizer_config.json</c>), [CLS]/[SEP], attention mask, zero token type
/// ids, truncation to <see cref="MaxSequenceLength"/>, the model's <c>last_hidden_state</c>, mean
/// or CLS pooling and L2 normalisation; texts run in batches padded to their longest text.
/// </summary>
/// <remarks>
/// One <see cref="InferenceSession"/> per embedder, shared by every call; calls from several
/// threads are safe (ONNX Runtime's <c>Run</c> is thread-safe and each call owns its buffers).
/// Inference is CPU work done on the calling thread: the async methods complete synchronously.
/// </remarks>
public sealed class OnnxTextEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model output used: every token's vector, [batch, sequence, hidden].</summary>
    public const string OutputName = "last_hidden_state";

    /// <summary>
    /// Key of <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> selecting the purpose of
    /// <see cref="GenerateAsync"/>: the value <c>"query"</c> (or <see cref="EmbeddingPurpose.Query"/>)
    /// applies the query prefix; anything else, or no key, embeds documents.
    /// </summary>
    public const string PurposePropertyKey = "lodedb.purpose";

    private const string InputIdsName = "input_ids";
    private const string AttentionMaskName = "attention_mask";
    private const string TokenTypeIdsName = "token_type_ids";
    private const string ProviderName = "onnxruntime";

    private readonly InferenceSession _session;
    private readonly WordPieceTextTokenizer _tokenizer;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [OutputName];
    private readonly EmbeddingGeneratorMetadata _metadata;

    // The session reads the whole model file once, when it is created.
    private readonly Presets.ModelFootprint _footprint;
    private int _disposed;

    /// <summary>
    /// Opens the model in <paramref name="modelDirectory"/> (onnx/model.onnx or model.onnx, vocab.txt,
    /// and optionally tokenizer_config.json: without it the BERT defaults apply, see
    /// <see cref="TokenizerSettings"/>). A folder with a <c>lodedb-model.json</c> manifest (pulled or
    /// imported) is first checked against it (<see cref="ModelIntegrity"/>).
    /// </summary>
    /// <exception cref="ModelNotFoundException">The folder or one of its files is missing.</exception>
    /// <exception cref="ModelDamagedException">A file differs from the folder's manifest.</exception>
    /// <exception cref="ModelFormatException">The model's inputs/outputs or dimension, the tokenizer files or the manifest do not fit.</exception>
    public OnnxTextEmbedder(string modelDirectory, OnnxTextEmbedderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        options ??= new OnnxTextEmbedderOptions();
        options.Validate();

        ModelDirectory = Path.GetFullPath(modelDirectory);
        Pooling = options.Pooling;
        BatchSize = options.BatchSize;
        QueryPrefix = string.IsNullOrEmpty(options.QueryPrefix) ? null : options.QueryPrefix;
        ModelId = string.IsNullOrWhiteSpace(options.ModelId) ? new DirectoryInfo(ModelDirectory).Name : options.ModelId;

        if (!Directory.Exists(ModelDirectory))
        {
            throw new ModelNotFoundException(ModelDirectory, ModelDirectory, options.Preset);
        }

        ModelFile = ModelFolderResolver.FindModelFile(ModelDirectory)
            ?? throw new ModelNotFoundException(ModelDirectory, Path.Combine(ModelDirectory, ModelFolderResolver.ModelFileCandidates[0].Replace('/', Path.DirectorySeparatorChar)), options.Preset);
        Integrity = ModelIntegrity.Verify(ModelDirectory);
        _tokenizer = WordPieceTextTokenizer.Load(ModelDirectory, options.Preset);

        // The tokenizer's model_max_length (BERT's 512 without tokenizer_config.json) caps the option.
        MaxSequenceLength = Math.Min(options.MaxSequenceLength, _tokenizer.ModelMaxLength ?? int.MaxValue);

        using (var sessionOptions = new SessionOptions())
        {
            if (options.IntraOpNumThreads > 0)
            {
                sessionOptions.IntraOpNumThreads = options.IntraOpNumThreads;
            }

            try
            {
                _session = new InferenceSession(ModelFile, sessionOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelFormatException(ModelFile, $"ONNX Runtime cannot load it ({e.Message})", e);
            }
        }

        try
        {
            (_inputNames, int dimension) = CheckSignature();
            Dimension = dimension > 0 ? dimension : ProbeDimension();
            if (options.ExpectedDimension is int expected && expected != Dimension)
            {
                throw new ModelFormatException(ModelFile,
                    $"its hidden size is {Dimension}, but {(options.Preset is null ? "the options expect" : $"the '{options.Preset}' preset is")} {expected}-dimensional. " +
                    (options.Preset is null ? "Check the model folder." : $"The folder holds another model; download the right one with: {TextModelPresets.PullCommand(options.Preset)}"));
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        _metadata = new EmbeddingGeneratorMetadata(ProviderName, new Uri(ModelDirectory + Path.DirectorySeparatorChar), ModelId, Dimension);
        _footprint = new Presets.ModelFootprint(new FileInfo(ModelFile).Length);
    }

    /// <summary>
    /// Opens the preset <paramref name="preset"/> (<c>minilm</c>, <c>bge</c>) from its folder under
    /// <paramref name="modelRoot"/>, else <c>LODEDB_MODEL_DIR</c>, else the per-user cache (see
    /// <see cref="ModelFolderResolver"/>), with the preset's pooling, prefix and dimension check.
    /// </summary>
    /// <exception cref="ModelNotFoundException">The preset is not downloaded there; the message gives the pull command.</exception>
    public static OnnxTextEmbedder ForPreset(string preset, string? modelRoot = null, int batchSize = OnnxTextEmbedderOptions.DefaultBatchSize)
        => ForPreset(TextModelPresets.Get(preset), modelRoot, batchSize);

    /// <summary>Opens <paramref name="preset"/> (possibly a <c>with</c> variant) as <see cref="ForPreset(string, string?, int)"/> does.</summary>
    public static OnnxTextEmbedder ForPreset(TextModelPreset preset, string? modelRoot = null, int batchSize = OnnxTextEmbedderOptions.DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(preset);
        OnnxTextEmbedderOptions options = preset.ToOptions();
        options.BatchSize = batchSize;
        return new OnnxTextEmbedder(ModelFolderResolver.ResolvePresetFolder(preset.Name, modelRoot), options);
    }

    /// <summary>The model folder.</summary>
    public string ModelDirectory { get; }

    /// <summary>The ONNX file loaded.</summary>
    public string ModelFile { get; }

    /// <summary>Model id reported in metadata and on every embedding.</summary>
    public string ModelId { get; }

    /// <summary>Embedding dimension (the model's hidden size).</summary>
    public int Dimension { get; }

    /// <summary>Pooling in use.</summary>
    public PoolingMode Pooling { get; }

    /// <summary>Tokens per text including [CLS] and [SEP]; longer texts are truncated. The option, capped by the tokenizer's model_max_length.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>Texts per model run.</summary>
    public int BatchSize { get; }

    /// <summary>Prefix applied to queries, or null.</summary>
    public string? QueryPrefix { get; }

    /// <summary>Whether the tokenizer lower-cases its input (tokenizer_config.json's do_lower_case; without the file, whether the vocabulary is uncased).</summary>
    public bool LowerCase => _tokenizer.LowerCase;

    /// <summary>Whether the folder has a tokenizer_config.json; false means the BERT defaults are in use (see <see cref="TokenizerSettings"/>).</summary>
    public bool HasTokenizerConfig => _tokenizer.HasConfig;

    /// <summary>
    /// One line saying which tokenizer settings are in use and where they came from, e.g. "no
    /// tokenizer_config.json: BERT defaults (lower-casing on, the vocabulary is uncased, max length
    /// 512)". `lodedb models import` prints it, `lodedb index --onnx-model` prints it once when the
    /// folder has no tokenizer_config.json, and the doctor reports it for each preset folder.
    /// </summary>
    public string TokenizerSettings => _tokenizer.DescribeSettings();

    /// <summary>Tokens in vocab.txt.</summary>
    public int VocabularySize => _tokenizer.VocabularySize;

    /// <summary>What the folder's manifest check found when the embedder opened (verified, or no manifest).</summary>
    public ModelIntegrityReport Integrity { get; }

    /// <summary>The token ids the model sees for <paramref name="text"/>: [CLS], the truncated word pieces, [SEP] (no prefix added).</summary>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfDisposed();
        return _tokenizer.Encode(text, MaxSequenceLength);
    }

    /// <summary>Embeds <paramref name="texts"/> (unit-length vectors, in input order).</summary>
    /// <exception cref="ArgumentException">The list is empty or holds a null.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, EmbeddingPurpose purpose = EmbeddingPurpose.Document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ThrowIfDisposed();
        if (texts.Count == 0)
        {
            throw new ArgumentException("No texts to embed: the batch is empty.", nameof(texts));
        }

        string? prefix = purpose == EmbeddingPurpose.Query ? QueryPrefix : null;
        var tokens = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null; every text must be a string (it may be empty).", nameof(texts));
            tokens[i] = _tokenizer.Encode(prefix is null ? text : prefix + text, MaxSequenceLength);
        }

        // Shortest first, so each batch pads to a length close to all its texts (less wasted
        // work); results go back to input order. Stable, so equal lengths keep their order.
        int[] order = Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(BatchSize, order.Length - start);
            RunBatch(tokens, order.AsSpan(start, count), vectors);
        }

        return vectors;
    }

    /// <summary>Embeds stored texts (no prefix).</summary>
    public Task<float[][]> EmbedDocumentsAsync(IReadOnlyList<string> documents, CancellationToken cancellationToken = default)
        => Task.FromResult(Embed(documents, EmbeddingPurpose.Document, cancellationToken));

    /// <summary>Embeds one search query (with <see cref="QueryPrefix"/> when set).</summary>
    public Task<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Task.FromResult(Embed([query], EmbeddingPurpose.Query, cancellationToken)[0]);
    }

    /// <inheritdoc />
    /// <remarks>Embeds documents unless <paramref name="options"/>' additional property <see cref="PurposePropertyKey"/> says <c>query</c>.</remarks>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int dimensions && dimensions != Dimension)
        {
            throw new ArgumentException($"This model produces {Dimension}-dimensional embeddings; {dimensions} were asked for.", nameof(options));
        }

        EmbeddingPurpose purpose = PurposeOf(options);
        IReadOnlyList<string> texts = values as IReadOnlyList<string> ?? values.ToArray();
        float[][] vectors = Embed(texts, purpose, cancellationToken);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (float[] vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = now });
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        EmbedderServices.Get(this, _metadata, () => _footprint, serviceType, serviceKey);

    /// <summary>Releases the ONNX Runtime session. Calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
        }
    }

    private static EmbeddingPurpose PurposeOf(EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(PurposePropertyKey, out object? value))
        {
            return EmbeddingPurpose.Document;
        }

        return value switch
        {
            EmbeddingPurpose purpose => purpose,
            string text when text.Equals("query", StringComparison.OrdinalIgnoreCase) => EmbeddingPurpose.Query,
            _ => EmbeddingPurpose.Document,
        };
    }

    /// <summary>Checks the model's inputs and output; returns the inputs to feed (in model order) and the hidden size (0 when symbolic).</summary>
    private (string[] Inputs, int Dimension) CheckSignature()
    {
        IReadOnlyDictionary<string, NodeMetadata> inputs = _session.InputMetadata;
        string expectation = $"a BERT-family export takes {InputIdsName}, {AttentionMaskName} (and optionally {TokenTypeIdsName}) as int64 [batch, sequence] and returns {OutputName} as float [batch, sequence, hidden]";
        var names = new List<string>();
        foreach ((string name, NodeMetadata meta) in inputs)
        {
            if (name is not (InputIdsName or AttentionMaskName or TokenTypeIdsName))
            {
                throw new ModelFormatException(ModelFile, $"it has an input '{name}' this embedder cannot feed (inputs: {string.Join(", ", inputs.Keys)}); {expectation}.");
            }

            if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Int64 || meta.Dimensions.Length != 2)
            {
                throw new ModelFormatException(ModelFile, $"input '{name}' is {Describe(meta)}, not int64 [batch, sequence]; {expectation}.");
            }

            names.Add(name);
        }

        foreach (string required in new[] { InputIdsName, AttentionMaskName })
        {
            if (!inputs.ContainsKey(required))
            {
                throw new ModelFormatException(ModelFile, $"it has no input '{required}' (inputs: {string.Join(", ", inputs.Keys)}); {expectation}.");
            }
        }

        if (!_session.OutputMetadata.TryGetValue(OutputName, out NodeMetadata? output))
        {
            throw new ModelFormatException(ModelFile, $"it has no output '{OutputName}' (outputs: {string.Join(", ", _session.OutputMetadata.Keys)}); {expectation}.");
        }

        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 3)
        {
            throw new ModelFormatException(ModelFile, $"output '{OutputName}' is {Describe(output)}, not float [batch, sequence, hidden]; {expectation}.");
        }

        return (names.ToArray(), Math.Max(output.Dimensions[2], 0));
    }

    private static string Describe(NodeMetadata meta) => meta.IsTensor
        ? $"{meta.ElementDataType} [{string.Join(", ", meta.Dimensions)}]"
        : meta.OnnxValueType.ToString();

    /// <summary>
    /// Runs [CLS] (last vocabulary id) [SEP] once: a vocabulary longer than the model's token
    /// embedding table makes ONNX Runtime reject the id, which is reported as a mismatch.
    /// </summary>
    /// <exception cref="ModelFormatException">The model cannot embed the vocabulary's last token.</exception>
    internal void CheckVocabularyFits()
    {
        int[][] tokens = [[_tokenizer.ClsId, VocabularySize - 1, _tokenizer.SepId]];
        try
        {
            using IDisposableReadOnlyCollection<OrtValue> outputs = Run(tokens, [0], out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFormatException(ModelFile, $"it cannot embed token id {VocabularySize - 1}, the last of the {VocabularySize} in vocab.txt: the vocabulary belongs to another model ({e.Message})", e);
        }
    }

    /// <summary>For exports whose hidden size is symbolic: run [CLS][SEP] once and read the output's shape.</summary>
    private int ProbeDimension()
    {
        int[][] tokens = [_tokenizer.Encode(string.Empty, MaxSequenceLength)];
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(tokens, [0], out _);
        return checked((int)outputs[0].GetTensorTypeAndShape().Shape[2]);
    }

    private void RunBatch(int[][] tokens, ReadOnlySpan<int> batch, float[][] vectors)
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(tokens, batch, out int sequence);
        OrtValue output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != batch.Length || shape[1] != sequence || shape[2] != Dimension)
        {
            throw new ModelFormatException(ModelFile, $"{OutputName} came back as [{string.Join(", ", shape)}] for a [{batch.Length}, {sequence}] input; expected [{batch.Length}, {sequence}, {Dimension}].");
        }

        ReadOnlySpan<float> hidden = output.GetTensorDataAsSpan<float>();
        int rowStride = sequence * Dimension;
        var sum = new double[Dimension];
        for (int row = 0; row < batch.Length; row++)
        {
            ReadOnlySpan<float> states = hidden.Slice(row * rowStride, rowStride);
            int length = tokens[batch[row]].Length;
            Array.Clear(sum);
            if (Pooling == PoolingMode.Cls)
            {
                for (int d = 0; d < Dimension; d++)
                {
                    sum[d] = states[d];
                }
            }
            else
            {
                // The mask is 1 on the first `length` positions and 0 on the padding, so the
                // mask-weighted mean is the mean of those positions.
                for (int t = 0; t < length; t++)
                {
                    ReadOnlySpan<float> token = states.Slice(t * Dimension, Dimension);
                    for (int d = 0; d < Dimension; d++)
                    {
                        sum[d] += token[d];
                    }
                }

                for (int d = 0; d < Dimension; d++)
                {
                    sum[d] /= length;
                }
            }

            vectors[batch[row]] = Normalize(sum);
        }
    }

    private static float[] Normalize(double[] v)
    {
        double squares = 0;
        foreach (double x in v)
        {
            squares += x * x;
        }

        // Same floor as torch.nn.functional.normalize (eps 1e-12): a zero vector stays zero, not NaN.
        double scale = 1.0 / Math.Max(Math.Sqrt(squares), 1e-12);
        var result = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            result[i] = (float)(v[i] * scale);
        }

        return result;
    }

    /// <summary>Runs one padded batch; every buffer is local to this call (thread safety).</summary>
    private IDisposableReadOnlyCollection<OrtValue> Run(int[][] tokens, ReadOnlySpan<int> batch, out int sequence)
    {
        sequence = 0;
        foreach (int index in batch)
        {
            sequence = Math.Max(sequence, tokens[index].Length);
        }

        int size = batch.Length * sequence;
        var ids = new long[size];
        var mask = new long[size];
        var types = new long[size];
        if (_tokenizer.PadId != 0)
        {
            Array.Fill(ids, _tokenizer.PadId);
        }

        for (int row = 0; row < batch.Length; row++)
        {
            int[] text = tokens[batch[row]];
            int offset = row * sequence;
            for (int t = 0; t < text.Length; t++)
            {
                ids[offset + t] = text[t];
                mask[offset + t] = 1;
            }
        }

        long[] shape = [batch.Length, sequence];
        var values = new List<OrtValue>(_inputNames.Length);
        try
        {
            foreach (string name in _inputNames)
            {
                long[] data = name switch
                {
                    InputIdsName => ids,
                    AttentionMaskName => mask,
                    _ => types,
                };
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }

            using var runOptions = new RunOptions();
            ThrowIfDisposed();
            return _session.Run(runOptions, _inputNames, values, _outputNames);
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
