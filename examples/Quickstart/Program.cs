// LodeDb quickstart: the vector-in path, end to end, with no model download.
//
// A small synthetic corpus stands in for embedded documents: 20,000 normalised 384-d vectors
// (the shape of a MiniLM embedding) in 40 topics, each with an id and metadata. LodeDb stores
// them at 4 bits per dimension in a folder and answers: nearest neighbours, a metadata filter,
// recall against exact float search, and the same answers after closing and reopening.
using System.Diagnostics;
using LodeDb;
using LodeDb.Native;

const int Dimension = 384;
const int Topics = 40;
const int DocumentsPerTopic = 500;
const int DocumentCount = Topics * DocumentsPerTopic;
const int K = 5;

string folder = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"lodedb-quickstart-{Environment.ProcessId}");
bool removeFolder = args.Length == 0;
if (Directory.Exists(folder) && removeFolder)
{
    Directory.Delete(folder, recursive: true);
}

Console.WriteLine($"LodeDb native core {NativeLibraryInfo.Version} (ABI {NativeLibraryInfo.AbiVersion}), " +
                  $"scan kernels: {NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel)}");
Console.WriteLine($"database folder: {folder}");
Console.WriteLine();

var random = new Random(2026);
float[][] topicCentres = new float[Topics][];
for (int t = 0; t < Topics; t++)
{
    topicCentres[t] = RandomUnitVector(random);
}

// A document = its topic's direction plus its own: near its topic, distinct from its neighbours.
float[][] documents = new float[DocumentCount][];
string[] ids = new string[DocumentCount];
var metadata = new IReadOnlyDictionary<string, object?>[DocumentCount];
for (int d = 0; d < DocumentCount; d++)
{
    int topic = d / DocumentsPerTopic;
    documents[d] = Mix(topicCentres[topic], RandomUnitVector(random), 0.8f, 0.6f);
    ids[d] = $"doc-{d:D5}";
    metadata[d] = new Dictionary<string, object?> { ["topic"] = topic, ["year"] = 2000 + d % 25 };
}

using (var db = LodeDatabase.Open(folder, new LodeDbOptions { VectorDim = Dimension, BitWidth = 4 }))
{
    var clock = Stopwatch.StartNew();
    db.AddVectors(documents, ids, metadata);
    db.Persist();
    clock.Stop();
    LodeStats stats = db.Stats();
    Console.WriteLine($"Stored {stats.Count:N0} vectors of {Dimension} dimensions in {clock.Elapsed.TotalMilliseconds:F0} ms, " +
                      $"{stats.DiskBytes / 1024.0 / 1024.0:F2} MiB on disk " +
                      $"(float32 alone would be {(long)DocumentCount * Dimension * 4 / 1024.0 / 1024.0:F2} MiB).");
    Console.WriteLine();

    // 1. A paraphrase of doc-01234 (the same vector plus noise) finds it first.
    float[] paraphrase = Mix(documents[1234], RandomUnitVector(random), 1f, 0.35f);
    IReadOnlyList<SearchHit> hits = db.SearchByVector(paraphrase, K);
    Console.WriteLine("Query: a noisy paraphrase of doc-01234 (topic 2)");
    PrintHits(hits);
    Check(hits.Count == K && hits[0].Id == "doc-01234", "doc-01234 should rank first");

    // 2. The same query, restricted by metadata (pushed into the native scan as a bitmask).
    Filter filter = Filter.Parse("""{"topic": 7, "year": {"$gte": 2020}}""");
    IReadOnlyList<SearchHit> filtered = db.SearchByVector(paraphrase, K, filter);
    Console.WriteLine($"Same query, filter {{\"topic\": 7, \"year\": {{\"$gte\": 2020}}}} ({db.Count(filter)} rows match):");
    PrintHits(filtered);
    Check(filtered.Count == K && filtered.All(h => (long)h.Metadata["topic"]! == 7 && (long)h.Metadata["year"]! >= 2020),
          "every filtered hit should match the filter");

    // 3. Recall@10 against exact float search, 100 fresh queries asked as one batch.
    const int Queries = 100;
    const int RecallK = 10;
    var queries = new float[Queries][];
    for (int q = 0; q < Queries; q++)
    {
        queries[q] = Mix(topicCentres[random.Next(Topics)], RandomUnitVector(random), 0.8f, 0.6f);
    }
    clock.Restart();
    IReadOnlyList<IReadOnlyList<SearchHit>> batch = db.SearchManyByVector(queries, RecallK);
    clock.Stop();
    int found = 0;
    for (int q = 0; q < Queries; q++)
    {
        HashSet<string> exact = documents
            .Select((vector, d) => (Score: Dot(vector, queries[q]), Id: ids[d]))
            .OrderByDescending(s => s.Score).Take(RecallK).Select(s => s.Id).ToHashSet();
        found += batch[q].Count(h => exact.Contains(h.Id));
    }
    double recall = (double)found / (Queries * RecallK);
    Console.WriteLine($"Recall@{RecallK} vs exact float search over {Queries} queries: {recall:F3} " +
                      $"({clock.Elapsed.TotalMilliseconds / Queries:F3} ms per query in one batch).");
    Check(recall >= 0.75, "recall@10 should be at least 0.75 on this data");
    Console.WriteLine();

    // 4. Close, reopen with no options (the folder pins dimension, bit width and seed): same answers.
    db.Dispose();
    using var reopened = LodeDatabase.OpenReadOnly(folder);
    IReadOnlyList<SearchHit> again = reopened.SearchByVector(paraphrase, K);
    bool same = again.Select(h => (h.Id, h.Score)).SequenceEqual(hits.Select(h => (h.Id, h.Score)));
    Console.WriteLine($"Reopened read-only: {reopened.Stats().Count:N0} rows, {(same ? "same results" : "DIFFERENT results")}; " +
                      $"doc-01234 metadata: topic={reopened.Get("doc-01234")!.Metadata["topic"]}, year={reopened.Get("doc-01234")!.Metadata["year"]}.");
    Check(same, "a reopened database should answer exactly as before");
}

if (removeFolder)
{
    Directory.Delete(folder, recursive: true);
}
Console.WriteLine();
Console.WriteLine("Next: text search on a local model: new LodeDbOptions { Model = \"minilm\" } (or \"bge\") loads the");
Console.WriteLine("model from ModelDirectory, LODEDB_MODEL_DIR or the per-user cache; new ModelDownloader().PullAsync(\"minilm\")");
Console.WriteLine("(in LodeDb.Embeddings.Onnx) fetches and verifies it; a `lodedb models pull` command comes with the CLI. Read");
Console.WriteLine("docs/engine.md; run every test with `dotnet tool restore && dotnet cake --target=Test`.");
return 0;

static float[] RandomUnitVector(Random random)
{
    var values = new float[Dimension];
    for (int i = 0; i < values.Length; i++)
    {
        // Box-Muller: the vectors need only be isotropic.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
    return Normalised(values);
}

static float[] Mix(float[] a, float[] b, float weightA, float weightB)
{
    var mixed = new float[a.Length];
    for (int i = 0; i < mixed.Length; i++)
    {
        mixed[i] = weightA * a[i] + weightB * b[i];
    }
    return Normalised(mixed);
}

static float[] Normalised(float[] values)
{
    float inverse = (float)(1.0 / Math.Sqrt(Dot(values, values)));
    for (int i = 0; i < values.Length; i++)
    {
        values[i] *= inverse;
    }
    return values;
}

static double Dot(float[] a, float[] b)
{
    double sum = 0;
    for (int i = 0; i < a.Length; i++)
    {
        sum += (double)a[i] * b[i];
    }
    return sum;
}

static void PrintHits(IReadOnlyList<SearchHit> hits)
{
    foreach (SearchHit hit in hits)
    {
        Console.WriteLine($"  {hit.Id}  topic {hit.Metadata["topic"],2}  year {hit.Metadata["year"]}  score {hit.Score:F4}");
    }
    Console.WriteLine();
}

static void Check(bool condition, string what)
{
    if (!condition)
    {
        Console.Error.WriteLine($"quickstart check failed: {what}");
        Environment.Exit(1);
    }
}
