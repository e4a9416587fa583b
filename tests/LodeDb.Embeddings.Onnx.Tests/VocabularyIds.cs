namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>Token ids read from a vocab.txt (line index = id): the expected ids of the tokenizer tests.</summary>
internal static class VocabularyIds
{
    /// <summary>The text-bert fixture's vocabulary.</summary>
    public static readonly List<string> Fixture = [.. File.ReadAllLines(Path.Combine(RepositoryPaths.TextBert, "vocab.txt"))];

    /// <summary>The id of <paramref name="token"/>; a token the vocabulary lacks is a test error.</summary>
    public static int Id(List<string> vocabulary, string token) =>
        vocabulary.IndexOf(token) is >= 0 and int id ? id : throw new ArgumentException($"'{token}' is not in the vocabulary");

    /// <summary>[CLS], the ids of <paramref name="tokens"/>, [SEP].</summary>
    public static int[] Of(List<string> vocabulary, params string[] tokens) =>
        [Id(vocabulary, "[CLS]"), .. tokens.Select(t => Id(vocabulary, t)), Id(vocabulary, "[SEP]")];
}
