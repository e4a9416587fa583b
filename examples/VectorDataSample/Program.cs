// A Microsoft.Extensions.VectorData (MEVD) app on LodeDb. Only the line marked CONNECTOR names
// LodeDb; everything else talks to VectorStore / VectorStoreCollection / IKeywordHybridSearchable,
// so moving to a server engine (Qdrant, Postgres, Azure AI Search...) is that one line.
//
// Embeddings come from the small BERT-shaped fixture model in tests/fixtures/text-bert (32-d,
// topic words share directions by construction), through the real tokenizer and ONNX Runtime.
// In your app, pass any IEmbeddingGenerator<string, Embedding<float>> (a real sentence model).
//
// Every result is checked; a wrong one makes the program exit with 1.
using LodeDb.Embeddings.Onnx;
using LodeDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using VectorDataSample;

string folder = Path.Combine(Path.GetTempPath(), $"lodedb-vectordata-sample-{Environment.ProcessId}");
int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"  [{(ok ? "ok" : "WRONG")}] {what}");
    failures += ok ? 0 : 1;
}

using IEmbeddingGenerator<string, Embedding<float>> embedder = new OnnxTextEmbedder(FixtureModel());
try
{
    // CONNECTOR: the one LodeDb-specific line (e.g. new QdrantVectorStore(client, ownsClient: true, new() { EmbeddingGenerator = embedder })).
    using VectorStore store = LodeVectorStore.Open(folder, new LodeVectorStoreOptions { EmbeddingGenerator = embedder });

    VectorStoreCollection<string, Product> products = store.GetCollection<string, Product>("products");
    await products.EnsureCollectionExistsAsync();
    Product[] catalogue =
    [
        new() { Sku = "V-100", Category = "vehicles", Price = 89.0, Description = "brake and tire repair kit for your car", Tags = ["garage"] },
        new() { Sku = "V-200", Category = "vehicles", Price = 240.0, Description = "engine diagnostic tool for the mechanic", Tags = ["garage", "pro"] },
        new() { Sku = "P-100", Category = "pets", Price = 25.0, Description = "leash and collar for a puppy", Tags = ["dog"] },
        new() { Sku = "P-200", Category = "pets", Price = 45.0, Description = "kennel bed for a big dog", Tags = ["dog"] },
        new() { Sku = "K-100", Category = "kitchen", Price = 30.0, Description = "pizza stone for the kitchen cook", Tags = ["food"] },
        new() { Sku = "K-200", Category = "kitchen", Price = 15.0, Description = "soup recipe book for lunch and dinner", Tags = ["food", "book"] },
        new() { Sku = "C-100", Category = "computers", Price = 999.0, Description = "laptop with keyboard and software", Tags = ["pro"] },
        new() { Sku = "C-200", Category = "computers", Price = 49.0, Description = "replacement keyboard model e1234 for the laptop", Tags = ["spare"] },
        new() { Sku = "M-100", Category = "music", Price = 300.0, Description = "guitar for the band concert", Tags = ["music"] },
        new() { Sku = "S-100", Category = "sport", Price = 20.0, Description = "football for the team match", Tags = ["ball"] },
    ];
    foreach (Product product in catalogue)
    {
        product.Embedding = product.Description;
    }

    await products.UpsertAsync(catalogue);
    Console.WriteLine($"Stored {catalogue.Length} products in {folder} (collection 'products').");

    Console.WriteLine("Search by meaning: \"automobile vehicle\"");
    var byMeaning = await products.SearchAsync("automobile vehicle", 3).ToListAsync();
    Print(byMeaning);
    Check(byMeaning.Count == 3 && byMeaning.Take(2).All(r => r.Record.Category == "vehicles"), "the two vehicle products come first (no shared word with the query)");

    Console.WriteLine("Search with a filter: \"canine\" where Price < 40 and Category == \"pets\"");
    var filtered = await products.SearchAsync("canine", 5, new() { Filter = p => p.Category == "pets" && p.Price < 40 }).ToListAsync();
    Print(filtered);
    Check(filtered.Count == 1 && filtered[0].Record.Sku == "P-100", "only P-100 matches the filter");

    Console.WriteLine("Paging: results 3-4 of \"kitchen meal\"");
    var all = await products.SearchAsync("kitchen meal", 4).Select(r => r.Record.Sku).ToListAsync();
    var page = await products.SearchAsync("kitchen meal", 2, new() { Skip = 2 }).Select(r => r.Record.Sku).ToListAsync();
    Console.WriteLine($"  first four: {string.Join(", ", all)}; skip 2, top 2: {string.Join(", ", page)}");
    Check(all.Take(2).OrderBy(s => s).SequenceEqual(["K-100", "K-200"]) && page.SequenceEqual(all.Skip(2)), "the kitchen products lead, and the page continues the ranking");

    if (products is IKeywordHybridSearchable<Product> hybrid)
    {
        Console.WriteLine("Hybrid search: \"computer\" + keyword \"e1234\"");
        var fused = await hybrid.HybridSearchAsync("computer", ["e1234"], 3).ToListAsync();
        Print(fused);
        Check(fused.Count > 0 && fused[0].Record.Sku == "C-200", "the exact part number decides between the two computer products");
    }

    Console.WriteLine("Filtered listing: products tagged \"garage\"");
    var garage = await products.GetAsync(p => p.Tags.Contains("garage"), 10).Select(p => p.Sku).ToListAsync();
    Console.WriteLine($"  {string.Join(", ", garage)}");
    Check(garage.Order().SequenceEqual(["V-100", "V-200"]), "both garage products, nothing else");

    Product? got = await products.GetAsync("M-100");
    Check(got is { Category: "music", Price: 300.0 } && got.Tags.SequenceEqual(["music"]), "get by key returns the stored data properties");
    await products.DeleteAsync("M-100");
    Check(await products.GetAsync("M-100") is null, "a deleted product is gone");
}
finally
{
    if (Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }
}

Console.WriteLine(failures == 0 ? "VectorDataSample: every check passed." : $"VectorDataSample: {failures} check(s) WRONG.");
return failures == 0 ? 0 : 1;

static void Print(IEnumerable<VectorSearchResult<Product>> results)
{
    foreach (VectorSearchResult<Product> result in results)
    {
        Console.WriteLine($"  {result.Score,7:F4}  {result.Record.Sku}  {result.Record.Category,-9}  {result.Record.Price,7:F2}  {result.Record.Description}");
    }
}

static string FixtureModel()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "text-bert");
        if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")) && Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("tests/fixtures/text-bert not found above the program: run it from a clone of the repository.");
}
