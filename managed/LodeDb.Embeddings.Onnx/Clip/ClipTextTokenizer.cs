using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// CLIP's text tokenization over <c>vocab.json</c> + <c>merges.txt</c>: the text is cleaned (NFC,
/// runs of whitespace to one space, trimmed, lower-cased: CLIP's whitespace_clean + lower), split
/// with CLIP's pattern, and each piece goes through Microsoft.ML.Tokenizers' byte-level BPE with
/// the <c>&lt;/w&gt;</c> end-of-word suffix. The ids are framed by <c>&lt;|startoftext|&gt;</c> and
/// <c>&lt;|endoftext|&gt;</c>, truncated to the context (the end token is kept) and padded with
/// <c>&lt;|endoftext|&gt;</c> (the pad token of the Hugging Face export).
/// </summary>
internal sealed class ClipTextTokenizer
{
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";
    public const string StartToken = "<|startoftext|>";
    public const string EndToken = "<|endoftext|>";

    /// <summary>CLIP's context: 77 positions.</summary>
    public const int ContextLength = 77;

    // CLIP's simple_tokenizer pattern (re.IGNORECASE); the text is lower-cased before it runs.
    private static readonly Regex Pattern = new(
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private readonly BpeTokenizer _bpe;

    private ClipTextTokenizer(BpeTokenizer bpe, int startId, int endId)
    {
        _bpe = bpe;
        StartId = startId;
        EndId = endId;
    }

    public int StartId { get; }

    public int EndId { get; }

    /// <summary>Pads the fixed-length input (the export's pad token is <c>&lt;|endoftext|&gt;</c>).</summary>
    public int PadId => EndId;

    public static ClipTextTokenizer Load(string modelFolder, string? preset, string folderHint)
    {
        string vocabPath = Path.Combine(modelFolder, VocabFileName);
        string mergesPath = Path.Combine(modelFolder, MergesFileName);
        foreach (string path in new[] { vocabPath, mergesPath })
        {
            if (!File.Exists(path))
            {
                throw new ModelNotFoundException(modelFolder, path, preset, folderHint);
            }
        }

        Dictionary<string, int> vocab;
        try
        {
            using FileStream stream = File.OpenRead(vocabPath);
            vocab = JsonSerializer.Deserialize(stream, ClipVocabularyJson.Default.DictionaryStringInt32)
                ?? throw new ModelFormatException(vocabPath, "it holds null, not a token -> id object");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(vocabPath, $"not a JSON object of token -> id ({e.Message})", e);
        }

        foreach (string special in new[] { StartToken, EndToken })
        {
            if (!vocab.ContainsKey(special))
            {
                throw new ModelFormatException(vocabPath, $"it has no '{special}' token; a CLIP vocabulary ends with {StartToken} and {EndToken}");
            }
        }

        // merges.txt: an optional "#version" header, then one "left right" pair per line, by rank.
        List<string> merges = File.ReadLines(mergesPath, Encoding.UTF8)
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .ToList();
        if (merges.Count == 0 || merges.Any(m => m.Split(' ').Length != 2))
        {
            throw new ModelFormatException(mergesPath, "not a BPE merge list (one 'left right' pair per line)");
        }

        var specials = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [StartToken] = vocab[StartToken],
            [EndToken] = vocab[EndToken],
        };
        try
        {
            BpeTokenizer bpe = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                EndOfWordSuffix = "</w>",
                ByteLevel = true,
                UnknownToken = EndToken,
                SpecialTokens = specials,
                PreTokenizer = new RegexPreTokenizer(Pattern, specials),
            });
            return new ClipTextTokenizer(bpe, vocab[StartToken], vocab[EndToken]);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException(mergesPath, $"the vocabulary and merges do not form a BPE tokenizer ({e.Message})", e);
        }
    }

    /// <summary>CLIP's text cleaning: NFC, whitespace runs to one space, trimmed, lower case.</summary>
    public static string Clean(string text) =>
        Whitespace.Replace(text.Normalize(NormalizationForm.FormC), " ").Trim().ToLowerInvariant();

    /// <summary>
    /// The ids the model sees for <paramref name="text"/> before padding: start token, up to
    /// <c>contextLength - 2</c> pieces, end token.
    /// </summary>
    public int[] Encode(string text, int contextLength = ContextLength)
    {
        IReadOnlyList<int> pieces = _bpe.EncodeToIds(Clean(text), considerPreTokenization: true, considerNormalization: false);
        int kept = Math.Min(pieces.Count, contextLength - 2);
        var ids = new int[kept + 2];
        ids[0] = StartId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[kept + 1] = EndId;
        return ids;
    }
}
