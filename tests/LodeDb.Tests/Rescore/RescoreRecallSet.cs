namespace LodeDb.Tests;

/// <summary>
/// The recall tests' data (128-d, 30 tight clusters: 3,000 stored vectors "v{i}", 100 held-out
/// queries and their exact top 10) and recall@10 of a fresh database over it.
/// </summary>
internal static class RescoreRecallSet
{
    public const int Dim = 128;
    public const int K = 10;

    public static readonly Lazy<float[][]> Data = new(() => RescoreData.Clustered(seed: 7, count: 3000, dim: Dim));
    public static readonly Lazy<float[][]> Queries = new(() => RescoreData.Clustered(seed: 7, count: 3100, dim: Dim)[3000..]);
    public static readonly Lazy<int[][]> Truth = new(() => Queries.Value.Select(q => RescoreData.ExactTop(Data.Value, q, K)).ToArray());

    /// <summary>Recall@10 of a new database opened with <paramref name="options"/> holding the data, one query per call or batched; printed with <paramref name="label"/>.</summary>
    public static double Measure(LodeDbOptions options, bool batched, string label)
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, options with { VectorDim = Dim });
        float[][] data = Data.Value;
        db.AddVectors(data, Enumerable.Range(0, data.Length).Select(i => (string?)$"v{i}").ToArray());
        float[][] queries = Queries.Value;
        IReadOnlyList<IReadOnlyList<SearchHit>> found = batched
            ? db.SearchManyByVector(queries, K)
            : queries.Select(q => db.SearchByVector(q, K)).ToArray();
        double recall = RescoreData.Recall(Truth.Value, found, K);
        TestContext.Out.WriteLine($"{label} ({(batched ? "batched" : "single")}): recall@{K} = {recall:0.0000}");
        return recall;
    }
}
