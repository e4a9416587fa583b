namespace LodeDb.Native.Tests.Packaging;

/// <summary>The Program.cs files of the consumer apps (<see cref="ConsumerApp"/>).</summary>
internal static class ConsumerPrograms
{
    /// <summary>(a) and (c): only the LodeDb package. A vector database in a fresh folder: add, search, filter, reopen read-only, identity check.</summary>
    public const string VectorOnly = """"
        using LodeDb;
        using LodeDb.Native;

        // A vector database in a fresh folder: add, search, filter, reopen read-only, identity check.
        string dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "lodedb-consumer-db");
        const int dim = 64;
        var random = new Random(7);
        var vectors = new float[300][];
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] = new float[dim];
            for (int j = 0; j < dim; j++) vectors[i][j] = (float)(random.NextDouble() - 0.5);
        }
        // Content hashes (on by default) are SHA-256 through .NET's cryptography, which needs
        // OpenSSL on Linux; where none loads (the emulated arm64 sysroot) Open must refuse with a
        // typed error and write nothing, not let .NET abort the process on the first add.
        bool hashes = true;
        try { using (LodeDatabase.Open(dir, new LodeDbOptions { VectorDim = dim })) { } }
        catch (PlatformNotSupportedException)
        {
            hashes = false;
            Console.WriteLine($"hash-open=refused written={Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any()}");
        }
        using (var db = LodeDatabase.Open(dir, new LodeDbOptions { VectorDim = dim, StoreContentHash = hashes }))
        {
            for (int i = 0; i < vectors.Length; i++)
            {
                db.AddVector(vectors[i], $"doc-{i}", new Dictionary<string, object?> { ["year"] = 2000 + i % 30 });
            }
            var top = db.SearchByVector(vectors[42], k: 3);
            Console.WriteLine($"count={db.Count()} top={top[0].Id}");
            Console.WriteLine($"hash={(db.Get("doc-42")!.ContentHash is null ? "none" : "sha256")}");
            var recent = db.SearchByVector(vectors[42], k: 5, Filter.Parse("""{"year": {"$gte": 2025}}"""));
            Console.WriteLine($"filtered={recent.Count} years={string.Join(",", recent.Select(h => h.Metadata["year"]).Order())}");
        }
        using (var readOnly = LodeDatabase.OpenReadOnly(dir))
        {
            Console.WriteLine($"readonly={readOnly.IsReadOnly} count={readOnly.Count()} top={readOnly.SearchByVector(vectors[7], k: 1)[0].Id}");
            try { readOnly.AddVector(vectors[0]); Console.WriteLine("readonly-add=accepted"); }
            catch (ReadOnlyException) { Console.WriteLine("readonly-add=ReadOnlyException"); }
        }
        try { using var wrong = LodeDatabase.Open(dir, new LodeDbOptions { VectorDim = dim * 2, StoreContentHash = hashes }); Console.WriteLine("mismatch=none"); }
        catch (IdentityMismatchException e) { Console.WriteLine($"mismatch={e.Field}"); }
        Console.WriteLine($"rid={NativeLibraryResolver.RuntimeIdentifier} simd={NativeLibraryInfo.SimdLevel}");
        Console.WriteLine($"library={NativeLibraryInfo.LibraryPath}");
        """";


    /// <summary>
    /// (b): LodeDb + LodeDb.Embeddings.Onnx. Arguments: data folder, the text fixture model folder,
    /// the CLIP fixture model folder, the fixture images folder. The ONNX package must register
    /// itself (no startup call): the doctor carries its checks and a preset with no model files
    /// fails with the package's ModelNotFoundException, not "add the package".
    /// </summary>
    public const string Embedders = """"
        using LodeDb;
        using LodeDb.Diagnostics;
        using LodeDb.Embeddings.Onnx;

        string dir = args[0], textModel = args[1], clipModel = args[2], images = args[3];
        string noModels = Path.Combine(dir, "no-models");
        DoctorReport report = LodeDatabase.Doctor(new DoctorOptions { ModelDirectory = noModels });
        Console.WriteLine($"onnx-runtime={report.Find("onnx-runtime")?.Status} image-decoding={report.Find("image-decoding")?.Status}");
        try
        {
            using var preset = LodeDatabase.Open(Path.Combine(dir, "preset"), new LodeDbOptions { Model = "minilm", ModelDirectory = noModels });
            Console.WriteLine("preset-missing=opened");
        }
        catch (Exception e) { Console.WriteLine($"preset-missing={e.GetType().Name}"); }

        string[] corpus = ["car mechanic", "dog food", "My doctor works at the hospital", "Pizza recipes for dinner", "The storm brings rain and snow"];
        using (var text = LodeDatabase.Open(Path.Combine(dir, "text"), new LodeDbOptions { Embedder = new OnnxTextEmbedder(textModel), ModelName = "fixture-bert" }))
        {
            text.AddMany(corpus, ["car", "dog", "doctor", "pizza", "storm"]);
            Console.WriteLine($"text-top={text.Search("automobile repair", 1)[0].Id} hybrid-top={text.Search("pizza dinner", 1, SearchMode.Hybrid)[0].Id}");
        }

        using (var pictures = LodeDatabase.Open(Path.Combine(dir, "images"), new LodeDbOptions { Embedder = new OnnxClipEmbedder(clipModel), ModelName = "fixture-clip" }))
        {
            foreach (string name in new[] { "red_circle", "blue_square", "green_circle", "blue_circle" })
            {
                pictures.AddImage(Path.Combine(images, name + ".png"), name);
            }
            Console.WriteLine($"text-to-image={pictures.Search("a blue square", 1)[0].Id} image-to-image={pictures.SearchByImage(Path.Combine(images, "red_circle_near.png"), 1)[0].Id}");
        }
        """";
}
