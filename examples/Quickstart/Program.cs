// LodeDb quickstart: the vector-in path, end to end, with no model download.
//
// It builds a small synthetic corpus (documents in topics, as normalised 384-d vectors, the
// shape of a MiniLM embedding), compresses it to 4 bits per dimension with TurboQuant, and
// shows: nearest-neighbour retrieval, a filtered search, recall against exact float search,
// batched queries, and a snapshot that reloads to the same answers.
using System.Diagnostics;
using LodeDb.Native;

const int Dimension = 384;
const int Topics = 40;
const int DocumentsPerTopic = 500;
const int DocumentCount = Topics * DocumentsPerTopic;
const int K = 5;

Console.WriteLine($"LodeDb native core {NativeLibraryInfo.Version} (ABI {NativeLibraryInfo.AbiVersion}), " +
                  $"SIMD kernels: {NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel)}");
Console.WriteLine($"library: {NativeLibraryInfo.LibraryPath}");
Console.WriteLine();

var random = new Random(2026);
float[] topicCentres = new float[Topics * Dimension];
for (int t = 0; t < Topics; t++)
{
    FillUnitGaussian(random, topicCentres.AsSpan(t * Dimension, Dimension), 1f);
}

// Each document = its topic's centre plus its own direction: close to its topic, distinct
// from its neighbours (like sentences about one subject).
float[] documents = new float[DocumentCount * Dimension];
int[] topicOf = new int[DocumentCount];
for (int d = 0; d < DocumentCount; d++)
{
    int topic = d / DocumentsPerTopic;
    topicOf[d] = topic;
    Span<float> row = documents.AsSpan(d * Dimension, Dimension);
    FillUnitGaussian(random, row, 1f);
    for (int j = 0; j < Dimension; j++)
    {
        row[j] = 0.8f * topicCentres[topic * Dimension + j] + 0.6f * row[j];
    }
    Normalise(row);
}

using var index = NativeIndex.Create(Dimension, bits: 4, seed: 0x10DEDB);
var clock = Stopwatch.StartNew();
ulong firstSlot = index.Add(documents);
clock.Stop();
Console.WriteLine($"Indexed {DocumentCount:N0} vectors of {Dimension} dimensions in {clock.Elapsed.TotalMilliseconds:F0} ms " +
                  $"({clock.Elapsed.TotalMicroseconds / DocumentCount:F1} us each), slots {firstSlot}..{firstSlot + (ulong)DocumentCount - 1}.");
long floatBytes = (long)DocumentCount * Dimension * sizeof(float);
long codeBytes = (long)DocumentCount * (index.CodeBytesPerRow + sizeof(float));
Console.WriteLine($"Codes: {codeBytes / 1024.0 / 1024.0:F2} MiB for what float32 keeps in {floatBytes / 1024.0 / 1024.0:F2} MiB " +
                  $"({(double)floatBytes / codeBytes:F1}x smaller).");
Console.WriteLine();

// 1. Retrieval: a paraphrase of document 1234 (the same vector with noise) finds it first.
const int Probe = 1234;
float[] paraphrase = documents.AsSpan(Probe * Dimension, Dimension).ToArray();
float[] noise = new float[Dimension];
FillUnitGaussian(random, noise, 1f);
for (int j = 0; j < Dimension; j++)
{
    paraphrase[j] += 0.35f * noise[j];
}
Normalise(paraphrase);
SearchHit[] hits = index.Search(paraphrase, K)[0];
Console.WriteLine($"Query: a noisy paraphrase of document {Probe} (topic {topicOf[Probe]})");
PrintHits(hits, topicOf, documents, paraphrase);
Check(hits.Length == K && (int)hits[0].Slot == Probe, $"document {Probe} should rank first");

// 2. Filtered search: the same query, only documents of topic 7 allowed (a slot bitmask,
//    pushed into the native scan; whole blocks with no allowed slot are skipped).
ulong[] allowMask = new ulong[(DocumentCount + 63) / 64];
for (int d = 0; d < DocumentCount; d++)
{
    if (topicOf[d] == 7)
    {
        allowMask[d / 64] |= 1UL << (d % 64);
    }
}
SearchHit[] filtered = index.Search(paraphrase, K, allowMask)[0];
Console.WriteLine("Same query, filter topic == 7:");
PrintHits(filtered, topicOf, documents, paraphrase);
Check(filtered.Length == K && filtered.All(h => topicOf[(int)h.Slot] == 7), "every filtered hit should be in topic 7");

// 3. Recall@10 of the 4-bit index against exact float search, on 100 fresh queries, asked
//    as one batch (the codes are read once for the whole batch).
const int Queries = 100;
const int RecallK = 10;
float[] queries = new float[Queries * Dimension];
for (int q = 0; q < Queries; q++)
{
    Span<float> query = queries.AsSpan(q * Dimension, Dimension);
    int topic = random.Next(Topics);
    FillUnitGaussian(random, query, 1f);
    for (int j = 0; j < Dimension; j++)
    {
        query[j] = 0.8f * topicCentres[topic * Dimension + j] + 0.6f * query[j];
    }
    Normalise(query);
}
clock.Restart();
SearchHit[][] batch = index.Search(queries, RecallK);
clock.Stop();
double batchMs = clock.Elapsed.TotalMilliseconds / Queries;
int found = 0;
for (int q = 0; q < Queries; q++)
{
    var exact = ExactTopK(documents, queries.AsSpan(q * Dimension, Dimension), RecallK);
    found += batch[q].Count(h => exact.Contains((int)h.Slot));
}
double recall = (double)found / (Queries * RecallK);
Console.WriteLine($"Recall@{RecallK} vs exact float search over {Queries} queries: {recall:F3} " +
                  $"(batched: {batchMs:F3} ms per query).");
Check(recall >= 0.75, "recall@10 should be at least 0.75 on this data");
Console.WriteLine();

// 4. Persistence: snapshot to a file, reload, same answers.
string folder = Directory.CreateTempSubdirectory("lodedb-quickstart-").FullName;
try
{
    string path = Path.Combine(folder, "documents.lodesnap");
    index.Save(path, sync: true);
    using var reloaded = NativeIndex.Load(path);
    SearchHit[] again = reloaded.Search(paraphrase, K)[0];
    Console.WriteLine($"Saved a snapshot of {new FileInfo(path).Length / 1024.0 / 1024.0:F2} MiB, reloaded {reloaded.LiveCount:N0} vectors: " +
                      (again.SequenceEqual(hits) ? "same results." : "DIFFERENT results!"));
    Check(again.SequenceEqual(hits), "a reloaded snapshot should answer exactly as before");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Console.WriteLine();
Console.WriteLine("Next: run every test with `dotnet tool restore && dotnet cake --target=Test`;");
Console.WriteLine("read docs/architecture.md. Text and image search with local ONNX models (presets minilm,");
Console.WriteLine("bge, clip) come with the database layer; the C ABI is native/include/lodedb/lodedb.h.");
return 0;

static void FillUnitGaussian(Random random, Span<float> values, float scale)
{
    for (int i = 0; i < values.Length; i++)
    {
        // Box-Muller: the vectors need only be isotropic, not fast to draw.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        values[i] = scale * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
    Normalise(values);
}

static void Normalise(Span<float> values)
{
    double sum = 0;
    foreach (float v in values)
    {
        sum += (double)v * v;
    }
    float inverse = (float)(1.0 / Math.Sqrt(sum));
    for (int i = 0; i < values.Length; i++)
    {
        values[i] *= inverse;
    }
}

static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    double sum = 0;
    for (int i = 0; i < a.Length; i++)
    {
        sum += (double)a[i] * b[i];
    }
    return (float)sum;
}

static HashSet<int> ExactTopK(float[] documents, ReadOnlySpan<float> query, int k)
{
    int count = documents.Length / query.Length;
    var scores = new (float Score, int Slot)[count];
    for (int d = 0; d < count; d++)
    {
        scores[d] = (Dot(documents.AsSpan(d * query.Length, query.Length), query), d);
    }
    return scores.OrderByDescending(s => s.Score).Take(k).Select(s => s.Slot).ToHashSet();
}

static void PrintHits(SearchHit[] hits, int[] topicOf, float[] documents, float[] query)
{
    int dimension = query.Length;
    foreach (SearchHit hit in hits)
    {
        int slot = (int)hit.Slot;
        float exact = Dot(documents.AsSpan(slot * dimension, dimension), query);
        Console.WriteLine($"  document {slot,5}  topic {topicOf[slot],2}  score {hit.Score:F4}  (exact cosine {exact:F4})");
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
