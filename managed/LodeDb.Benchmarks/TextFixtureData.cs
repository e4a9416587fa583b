using System.Globalization;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Benchmarks;

/// <summary>
/// The fixture text model (tests/fixtures/text-bert: a 32-d BERT-shaped ONNX model, run by ONNX
/// Runtime like a real export) and deterministic short sentences built from its vocabulary.
/// <c>LODEDB_BENCH_TEXT_MODEL</c> may point at another BERT-family model folder instead.
/// </summary>
internal static class TextFixtureData
{
    /// <summary>Environment variable naming another model folder (e.g. a pulled <c>minilm</c>).</summary>
    public const string ModelVariable = "LODEDB_BENCH_TEXT_MODEL";

    /// <summary>ModelName recorded for the custom-embedder stores.</summary>
    public const string ModelName = "fixture-text-bert";

    private static readonly string[][] Topics =
    [
        ["car", "automobile", "vehicle", "truck", "mechanic", "repair", "engine", "garage", "motor", "brake", "tire", "wheel", "driver"],
        ["dog", "puppy", "canine", "hound", "pet", "bark", "leash", "kennel", "vet"],
        ["doctor", "physician", "hospital", "nurse", "clinic", "medicine", "patient", "surgeon", "health"],
        ["food", "meal", "dinner", "bread", "kitchen", "recipe", "pizza", "soup", "lunch"],
        ["bank", "money", "loan", "finance", "cash", "price", "cost", "budget"],
        ["rain", "storm", "weather", "snow", "sun", "cloud", "wind", "forecast"],
        ["computer", "software", "code", "program", "laptop", "keyboard", "bug", "server"],
        ["music", "song", "guitar", "piano", "band", "concert"],
        ["football", "soccer", "game", "team", "ball", "goal", "match"],
    ];

    private static readonly string[] Fillers = ["the", "of", "my", "new", "old", "good", "near", "best", "big", "small", "with", "for", "at", "and"];

    /// <summary>The model folder: <see cref="ModelVariable"/>, else tests/fixtures/text-bert above the running assembly.</summary>
    public static string ModelFolder()
    {
        string? overridden = Environment.GetEnvironmentVariable(ModelVariable)?.Trim();
        if (!string.IsNullOrEmpty(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "text-bert");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures/text-bert was not found above '{AppContext.BaseDirectory}'; run from the repository or set {ModelVariable}.");
    }

    /// <summary>Opens the model with the default options (batches of 32, max 256 tokens, mean pooling).</summary>
    public static OnnxTextEmbedder OpenEmbedder() => new(ModelFolder(), new OnnxTextEmbedderOptions { BatchSize = OnnxTextEmbedderOptions.DefaultBatchSize });

    /// <summary>
    /// <paramref name="count"/> short sentences (6 to 12 words: topic words and function words;
    /// every 10th also carries a code such as <c>E1234</c>), the same for a seed on every run.
    /// </summary>
    public static string[] Sentences(int count, int seed)
    {
        var random = new Random(seed);
        var sentences = new string[count];
        var words = new List<string>(16);
        for (int i = 0; i < count; i++)
        {
            string[] topic = Topics[random.Next(Topics.Length)];
            int length = 6 + random.Next(7);
            words.Clear();
            for (int w = 0; w < length; w++)
            {
                words.Add(random.Next(3) == 0 ? Fillers[random.Next(Fillers.Length)] : topic[random.Next(topic.Length)]);
            }

            if (i % 10 == 0)
            {
                words.Insert(random.Next(words.Count), "E" + (1000 + random.Next(9000)).ToString(CultureInfo.InvariantCulture));
            }

            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            sentences[i] = string.Join(' ', words) + ".";
        }

        return sentences;
    }

    /// <summary><paramref name="count"/> queries of 2 or 3 topic words (some words also appear in the stored sentences, so every mode finds hits).</summary>
    public static string[] Queries(int count, int seed)
    {
        var random = new Random(seed);
        var queries = new string[count];
        for (int i = 0; i < count; i++)
        {
            string[] topic = Topics[random.Next(Topics.Length)];
            int length = 2 + random.Next(2);
            queries[i] = string.Join(' ', Enumerable.Range(0, length).Select(_ => topic[random.Next(topic.Length)]));
        }

        return queries;
    }
}
