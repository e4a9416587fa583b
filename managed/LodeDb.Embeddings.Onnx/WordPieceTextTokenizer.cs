using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// BERT tokenization of one model folder: Microsoft.ML.Tokenizers' BertTokenizer over
/// <c>vocab.txt</c>, lower-casing and accent stripping as <c>tokenizer_config.json</c> says, then
/// truncation to the max length and [CLS] ... [SEP] around the pieces.
/// </summary>
internal sealed class WordPieceTextTokenizer
{
    public const string VocabFileName = "vocab.txt";
    public const string ConfigFileName = "tokenizer_config.json";

    private readonly BertTokenizer _tokenizer;

    private WordPieceTextTokenizer(BertTokenizer tokenizer, bool lowerCase)
    {
        _tokenizer = tokenizer;
        LowerCase = lowerCase;
    }

    /// <summary>Whether the input is lower-cased (tokenizer_config.json's do_lower_case, default true as in Hugging Face).</summary>
    public bool LowerCase { get; }

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

        string configPath = Path.Combine(modelFolder, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new ModelNotFoundException(modelFolder, configPath, preset);
        }

        (bool lowerCase, bool stripAccents) = ReadConfig(configPath);
        try
        {
            BertTokenizer tokenizer = BertTokenizer.Create(vocabPath, new BertOptions
            {
                LowerCaseBeforeTokenization = lowerCase,
                RemoveNonSpacingMarks = stripAccents,
                ApplyBasicTokenization = true,
            });
            return new WordPieceTextTokenizer(tokenizer, lowerCase);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new ModelFormatException(vocabPath, $"not a WordPiece vocabulary with [CLS], [SEP], [PAD], [UNK] and [MASK] ({e.Message})", e);
        }
    }

    /// <summary>[CLS] + the first <c>maxLength - 2</c> word pieces + [SEP] (Hugging Face's truncation).</summary>
    public int[] Encode(string text, int maxLength)
    {
        IReadOnlyList<int> pieces = _tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
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

    private static (bool LowerCase, bool StripAccents) ReadConfig(string configPath)
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
            return (lowerCase, stripAccents);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"not valid JSON ({e.Message})", e);
        }
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
