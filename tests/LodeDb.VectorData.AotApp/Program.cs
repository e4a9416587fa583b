// NativeAOT smoke app: an MEVD dynamic collection on LodeDb (no reflection over record types),
// with a LINQ filter and a search. Prints one line per check; exits 1 on a wrong result.
using LodeDb.VectorData;
using Microsoft.Extensions.VectorData;

string folder = Path.Combine(Path.GetTempPath(), $"lodedb-aot-{Environment.ProcessId}");
int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok" : "WRONG")}: {what}");
    failures += ok ? 0 : 1;
}

var definition = new VectorStoreCollectionDefinition
{
    Properties =
    [
        new VectorStoreKeyProperty("Id", typeof(string)),
        new VectorStoreDataProperty("Kind", typeof(string)),
        new VectorStoreDataProperty("Year", typeof(int)),
        new VectorStoreDataProperty("When", typeof(DateTime)),
        new VectorStoreVectorProperty("Vector", typeof(float[]), 4),
    ],
};

try
{
    using (VectorStore store = LodeVectorStore.Open(folder))
    {
        var items = store.GetDynamicCollection("items", definition);
        await items.EnsureCollectionExistsAsync();
        await items.UpsertAsync(
        [
            new() { ["Id"] = "a", ["Kind"] = "x", ["Year"] = 2020, ["When"] = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), ["Vector"] = new float[] { 1, 0, 0, 0 } },
            new() { ["Id"] = "b", ["Kind"] = "y", ["Year"] = 2024, ["When"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), ["Vector"] = new float[] { 0.9f, 0.1f, 0, 0 } },
            new() { ["Id"] = "c", ["Kind"] = "x", ["Year"] = 2025, ["When"] = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), ["Vector"] = new float[] { 0, 1, 0, 0 } },
        ]);
        var best = await items.SearchAsync(new float[] { 1, 0, 0, 0 }, 1).SingleAsync();
        Check((string)best.Record["Id"]! == "a", "nearest vector");
        var filtered = await items.SearchAsync(new float[] { 1, 0, 0, 0 }, 3, new() { Filter = r => (string)r["Kind"]! == "x" && (int)r["Year"]! > 2021 }).ToListAsync();
        Check(filtered.Count == 1 && (string)filtered[0].Record["Id"]! == "c", "LINQ filter on a dynamic record");
    }

    using (VectorStore store = LodeVectorStore.Open(folder))
    {
        var got = await store.GetDynamicCollection("items", definition).GetAsync("b");
        Check(got is not null && (int)got["Year"]! == 2024 && (DateTime)got["When"]! == new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), "typed values after reopening");
    }
}
finally
{
    if (Directory.Exists(folder))
    {
        Directory.Delete(folder, recursive: true);
    }
}

Console.WriteLine(failures == 0 ? "aot: all checks passed" : $"aot: {failures} WRONG");
return failures == 0 ? 0 : 1;
