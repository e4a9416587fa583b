namespace LodeDb.RealModels.Tests;

/// <summary>all-MiniLM-L6-v2's vocab.txt (line index = id): the ids Hugging Face's tokenizer gives, for the tokenizer tests.</summary>
internal static class MiniLmVocabulary
{
    private static readonly Lazy<List<string>> Lines = new(() => [.. File.ReadAllLines(Path.Combine(RealModels.RequireFolder(RealModels.MiniLm), "vocab.txt"))]);

    /// <summary>[CLS], the ids of <paramref name="tokens"/>, [SEP]; a token the vocabulary lacks is a test error.</summary>
    public static int[] Ids(params string[] tokens) =>
        [.. new[] { "[CLS]" }.Concat(tokens).Append("[SEP]").Select(t => Lines.Value.IndexOf(t) is >= 0 and int id ? id : throw new ArgumentException($"'{t}' is not in the vocabulary"))];
}
