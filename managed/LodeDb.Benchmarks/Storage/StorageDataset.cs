namespace LodeDb.Benchmarks.Storage;

/// <summary>
/// The storage benchmark's data set: the folder written by <c>lodedb-storage-bench gen</c>
/// (base.fvecs, queries.fvecs, truth.ivecs = the exact inner-product top-10 of every query).
/// </summary>
internal sealed class StorageDataset
{
    private StorageDataset(string folder, float[][] vectors, float[][] queries, int[][] truth)
    {
        Folder = folder;
        Vectors = vectors;
        Queries = queries;
        Truth = truth;
    }

    /// <summary>The folder the files came from.</summary>
    public string Folder { get; }

    /// <summary>Stored vectors; row i gets id <see cref="TestData.RowId"/>(i).</summary>
    public float[][] Vectors { get; }

    /// <summary>Held-out queries.</summary>
    public float[][] Queries { get; }

    /// <summary>Exact top-10 row numbers of each query, best first.</summary>
    public int[][] Truth { get; }

    /// <summary>Vector dimension.</summary>
    public int Dimension => Vectors[0].Length;

    /// <summary>Reads and checks the three files of <paramref name="folder"/>.</summary>
    public static StorageDataset Load(string folder)
    {
        float[][] vectors = VectorFiles.ReadFvecs(Path.Combine(folder, "base.fvecs"));
        float[][] queries = VectorFiles.ReadFvecs(Path.Combine(folder, "queries.fvecs"));
        int[][] truth = VectorFiles.ReadIvecs(Path.Combine(folder, "truth.ivecs"));
        if (vectors.Length == 0 || queries.Length == 0)
        {
            throw new InvalidDataException($"{folder}: no vectors or no queries.");
        }

        if (queries[0].Length != vectors[0].Length || truth.Length != queries.Length || truth[0].Length != StorageBenchmark.K)
        {
            throw new InvalidDataException(
                $"{folder}: queries ({queries[0].Length}-d, {queries.Length}) and truth ({truth.Length} x {truth[0].Length}) do not match the base ({vectors[0].Length}-d) and k = {StorageBenchmark.K}.");
        }

        return new StorageDataset(folder, vectors, queries, truth);
    }
}
