using System.Text.Json;

namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>text-bert/expected.json: token ids and pooled vectors computed by the fixture script with numpy.</summary>
public sealed record ExpectedCase(string Text, int MaxLength, int[] InputIds, float[] Mean, float[] Cls);

internal static class ExpectedOutputs
{
    // Declared first: static initializers run in textual order and Cases reads it.
    private static JsonDocument Document { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.TextBert, "expected.json")));

    public static int HiddenSize => Document.RootElement.GetProperty("hidden_size").GetInt32();

    public static IReadOnlyList<ExpectedCase> Cases { get; } = Load();

    private static List<ExpectedCase> Load()
    {
        var cases = new List<ExpectedCase>();
        foreach (JsonElement c in Document.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases.Add(new ExpectedCase(
                c.GetProperty("text").GetString()!,
                c.GetProperty("max_length").GetInt32(),
                c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
                c.GetProperty("cls").EnumerateArray().Select(e => e.GetSingle()).ToArray()));
        }

        return cases;
    }
}
