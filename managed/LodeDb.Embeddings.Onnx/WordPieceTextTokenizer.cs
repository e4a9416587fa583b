using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// BERT tokenization of one model folder: Microsoft.ML.Tokenizers' BertTokenizer over
/// <c>vocab.txt</c>, lower-casing and accent stripping as <c>tokenizer_config.json</c> says, then
/// truncation to the max length and [CLS] ... [SEP] around the pieces. Without
/// <c>tokenizer_config.json</c> the BERT defaults apply: lower-casing (and accent stripping) when
/// the vocabulary is uncased, and a model max length of 512 tokens.
/// </summary>
internal sealed class WordPieceTextTokenizer
{
    public const string VocabFileName = "vocab.txt";
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>BERT's position limit: the max length used when a folder has no tokenizer_config.json.</summary>
    public const int BertDefaultMaxLength = 512;

    /// <summary>A model_max_length above this is Hugging Face's "no limit" placeholder (1e30), not a limit.</summary>
    private const long NoLimitThreshold = 1_000_000;

    private readonly BertTokenizer _tokenizer;

    private WordPieceTextTokenizer(BertTokenizer tokenizer, TokenizerSettings settings, int vocabularySize)
    {
        _tokenizer = tokenizer;
        LowerCase = settings.LowerCase;
        ModelMaxLength = settings.ModelMaxLength;
        HasConfig = settings.FromConfig;
        VocabularySize = vocabularySize;
    }

    /// <summary>Whether the input is lower-cased (tokenizer_config.json's do_lower_case, default true as in Hugging Face; without the file, whether the vocabulary is uncased).</summary>
    public bool LowerCase { get; }

    /// <summary>The tokenizer's model_max_length (512 without tokenizer_config.json), or null when the config sets no limit.</summary>
    public int? ModelMaxLength { get; }

    /// <summary>Whether the folder has a tokenizer_config.json (false: the BERT defaults are in use).</summary>
    public bool HasConfig { get; }

    /// <summary>Lines of vocab.txt: token ids run from 0 to this minus one.</summary>
    public int VocabularySize { get; }

    /// <summary>What the tokenizer settings are and where they came from (one line for logs and the doctor).</summary>
    public string DescribeSettings() => HasConfig
        ? $"{ConfigFileName}: lower-casing {(LowerCase ? "on" : "off")}, max length {(ModelMaxLength?.ToString(CultureInfo.InvariantCulture) ?? "not limited")}"
        : $"no {ConfigFileName}: BERT defaults (lower-casing {(LowerCase ? "on, the vocabulary is uncased" : "off, the vocabulary is cased")}, max length {BertDefaultMaxLength})";

    public int ClsId => _tokenizer.ClassificationTokenId;

    public int SepId => _tokenizer.SeparatorTokenId;

    public int PadId => _tokenizer.PaddingTokenId;

    public static WordPieceTextTokenizer Load(string modelFolder, string? preset)
    {
        string vocabPath = Path.Combine(modelFolder, VocabFileName);
        if (!File.Exists(vocabPath))
        {
            throw new ModelNotFoundException(modelFolder, vocabPath, preset);
        }

        (int vocabularySize, bool uncased) = ScanVocabulary(vocabPath);
        string configPath = Path.Combine(modelFolder, ConfigFileName);
        TokenizerSettings settings = File.Exists(configPath)
            ? ReadConfig(configPath)
            : new TokenizerSettings(uncased, uncased, BertDefaultMaxLength, FromConfig: false);
        try
        {
            BertTokenizer tokenizer = BertTokenizer.Create(vocabPath, new BertOptions
            {
                LowerCaseBeforeTokenization = settings.LowerCase,
                RemoveNonSpacingMarks = settings.StripAccents,
                ApplyBasicTokenization = true,
            });
            return new WordPieceTextTokenizer(tokenizer, settings, vocabularySize);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new ModelFormatException(vocabPath, $"not a WordPiece vocabulary with [CLS], [SEP], [PAD], [UNK] and [MASK] ({e.Message})", e);
        }
    }

    /// <summary>[CLS] + the first <c>maxLength - 2</c> word pieces + [SEP] (Hugging Face's truncation).</summary>
    public int[] Encode(string text, int maxLength)
    {
        string cleaned = DropInvisible(text);
        IReadOnlyList<int> pieces = ReferenceWords.AnyMishandled(cleaned) ? EncodeBySegment(cleaned) : EncodePlain(cleaned);
        int kept = Math.Min(pieces.Count, maxLength - 2);
        int[] ids = new int[kept + 2];
        ids[0] = ClsId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[kept + 1] = SepId;
        return ids;
    }

    private IReadOnlyList<int> EncodePlain(string text) =>
        _tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);

    /// <summary>
    /// A text with characters BertTokenizer mishandles (above U+FFFF, symbols, ...): the plain
    /// stretches as before, each word it would get wrong given to WordPiece whole, without the
    /// pre-tokenization that would drop or merge it (see <see cref="ReferenceWords"/>). The word is
    /// normalised first (case, accents), then split again at the spaces the normaliser pads
    /// ideographs with and at punctuation that normalising made ("≠" becomes "=").
    /// </summary>
    private List<int> EncodeBySegment(string text)
    {
        var pieces = new List<int>();
        foreach (ReferenceWords.Segment segment in ReferenceWords.Split(text))
        {
            string part = text.Substring(segment.Start, segment.Length);
            if (!segment.IsWord)
            {
                pieces.AddRange(EncodePlain(part));
                continue;
            }

            foreach (string word in ReferenceWords.SplitNormalized(_tokenizer.Normalizer?.Normalize(part) ?? part))
            {
                pieces.AddRange(_tokenizer.EncodeToIds(word, addSpecialTokens: false, considerPreTokenization: false, considerNormalization: false));
            }
        }

        return pieces;
    }

    /// <summary>
    /// Drops the format, private-use and unassigned characters of <paramref name="text"/>, as
    /// BERT's clean-text step does (Hugging Face drops every category C character but tab, LF and
    /// CR; BertTokenizer here drops only Cc): otherwise a soft hyphen or zero-width character
    /// inside a word splits it, and the text embeds unlike the reference model. Judged by rune, so
    /// the tag characters above U+FFFF go too; a lone surrogate goes as well (it is no character:
    /// UTF-8 carries it as U+FFFD, which BERT drops, and BertTokenizer's normaliser throws on it).
    /// </summary>
    internal static string DropInvisible(string text)
    {
        StringBuilder? kept = null;
        int copied = 0;
        int i = 0;
        while (i < text.Length)
        {
            int length = MeasureCharacter(text, i, out bool invisible);
            if (invisible)
            {
                kept ??= new StringBuilder(text.Length);
                kept.Append(text, copied, i - copied);
                copied = i + length;
            }

            i += length;
        }

        if (kept is null)
        {
            return text;
        }

        kept.Append(text, copied, text.Length - copied);
        return kept.ToString();
    }

    /// <summary>The UTF-16 length of the character at <paramref name="index"/> (2 for a surrogate pair) and whether it is dropped.</summary>
    private static int MeasureCharacter(string text, int index, out bool invisible)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(index), out Rune rune, out int length) != OperationStatus.Done)
        {
            invisible = true;
            return 1;
        }

        invisible = IsInvisible(rune.IsBmp ? char.GetUnicodeCategory((char)rune.Value) : Rune.GetUnicodeCategory(rune));
        return length;
    }

    private static bool IsInvisible(UnicodeCategory category) =>
        category is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>
    /// Counts the vocabulary's lines and decides whether it is uncased: an uncased BERT vocabulary
    /// has no upper-case letter outside its bracketed special tokens ([CLS], [UNK]...); a cased one
    /// has thousands. Under 0.1% of tokens with capitals still counts as uncased.
    /// </summary>
    private static (int Size, bool Uncased) ScanVocabulary(string vocabPath)
    {
        int lines = 0;
        int capitalised = 0;
        try
        {
            foreach (string line in File.ReadLines(vocabPath))
            {
                lines++;
                bool special = line.Length > 2 && line[0] == '[' && line[^1] == ']';
                if (!special && line.Any(char.IsUpper))
                {
                    capitalised++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(vocabPath, $"it cannot be read ({e.Message})", e);
        }

        return (lines, capitalised * 1000L <= lines);
    }

    private readonly record struct TokenizerSettings(bool LowerCase, bool StripAccents, int? ModelMaxLength, bool FromConfig);

    private static TokenizerSettings ReadConfig(string configPath)
    {
        try
        {
            using FileStream stream = File.OpenRead(configPath);
            using JsonDocument document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException(configPath, "the root is not a JSON object");
            }

            // Hugging Face's BertTokenizer defaults: do_lower_case true; strip_accents null = follow do_lower_case.
            bool lowerCase = ReadBool(document.RootElement, "do_lower_case", configPath) ?? true;
            bool stripAccents = ReadBool(document.RootElement, "strip_accents", configPath) ?? lowerCase;
            return new TokenizerSettings(lowerCase, stripAccents, ReadMaxLength(document.RootElement, configPath), FromConfig: true);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>model_max_length: a positive whole number, or absent / Hugging Face's 1e30 placeholder (no limit).</summary>
    private static int? ReadMaxLength(JsonElement root, string configPath)
    {
        if (!root.TryGetProperty("model_max_length", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || number < 2 || number != Math.Floor(number))
        {
            throw new ModelFormatException(configPath, $"'model_max_length' must be a whole number of at least 2, not {value.GetRawText()}");
        }

        return number > NoLimitThreshold ? null : (int)number;
    }

    private static bool? ReadBool(JsonElement root, string name, string configPath)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw new ModelFormatException(configPath, $"'{name}' must be true, false or null, not {value.ValueKind}"),
        };
    }
}
