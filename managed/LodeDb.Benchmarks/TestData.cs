namespace LodeDb.Benchmarks;

/// <summary>Deterministic data and temp folders shared by the benchmarks.</summary>
internal static class TestData
{
    /// <summary>Dimension of every benchmark store (a MiniLM-sized embedding).</summary>
    public const int Dim = 384;

    /// <summary>Seed of the vectors stored in a benchmark store.</summary>
    public const int RowSeed = 20_261_125;

    /// <summary>Seed of query vectors (distinct from the stored rows).</summary>
    public const int QuerySeed = 4_242;

    /// <summary>Seed of vectors added during a measurement.</summary>
    public const int AddSeed = 77_777;

    /// <summary>
    /// <paramref name="count"/> random unit vectors of <paramref name="dim"/> floats: Gaussian
    /// coordinates (Box-Muller over a seeded <see cref="Random"/>), L2-normalised. The same seed
    /// always gives the same vectors; <paramref name="skip"/> vectors are drawn and dropped first,
    /// so chunks of one long sequence can be made without holding all of it.
    /// </summary>
    public static float[][] UnitVectors(int count, int dim, int seed, int skip = 0)
    {
        var random = new Random(seed);
        var scratch = new float[dim];
        for (int i = 0; i < skip; i++)
        {
            Fill(random, scratch);
        }

        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var v = new float[dim];
            Fill(random, v);
            vectors[i] = v;
        }

        return vectors;
    }

    private static void Fill(Random random, float[] v)
    {
        double sum = 0;
        for (int j = 0; j < v.Length; j++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double g = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            v[j] = (float)g;
            sum += g * g;
        }

        float scale = (float)(1.0 / Math.Sqrt(sum));
        for (int j = 0; j < v.Length; j++)
        {
            v[j] *= scale;
        }
    }

    /// <summary>The database's normalisation (VectorValidation.CopyNormalized): sum of squares in double, one float scale.</summary>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination)
    {
        double sum = 0;
        foreach (float x in source)
        {
            sum += (double)x * x;
        }

        float scale = (float)(1.0 / Math.Sqrt(sum));
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = source[i] * scale;
        }
    }

    /// <summary>Row id of the i-th stored row (ids are small and fixed so rows are identical across runs).</summary>
    public static string RowId(int i) => "r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A fresh, empty folder under the system temp folder.</summary>
    public static string NewTempFolder(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), "lodedb-bench", $"{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a folder made by <see cref="NewTempFolder"/> (and the parent when it is left empty).</summary>
    public static void DeleteFolder(string? path)
    {
        if (path is null || !Directory.Exists(path))
        {
            return;
        }

        Directory.Delete(path, recursive: true);
        string? parent = Path.GetDirectoryName(path);
        try
        {
            if (parent is not null && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
        catch (IOException)
        {
            // Another benchmark process is using the parent at the same moment: leave it.
        }
    }

    /// <summary>Copies every file of a (closed) store folder into an empty folder.</summary>
    public static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>
    /// Creates a WAL-mode store of <paramref name="rows"/> rows of <see cref="Dim"/> floats (ids
    /// <see cref="RowId"/>, vectors from <see cref="RowSeed"/>), written in batches and
    /// checkpointed, and leaves it open with the given durability. Vectors are generated per batch,
    /// so a 100,000-row store never holds all its floats at once.
    /// </summary>
    public static LodeDatabase BuildStore(string path, int rows, Durability durability, int batch = 10_000)
    {
        // Build with Fast durability (the result on disk is the same), then reopen as asked.
        using (var build = LodeDatabase.Open(path, new LodeDbOptions
        {
            VectorDim = Dim,
            CommitMode = CommitMode.Wal,
            Durability = Durability.Fast,
        }))
        {
            var random = new Random(RowSeed);
            for (int start = 0; start < rows; start += batch)
            {
                int n = Math.Min(batch, rows - start);
                var vectors = new float[n][];
                var ids = new string?[n];
                for (int i = 0; i < n; i++)
                {
                    vectors[i] = new float[Dim];
                    Fill(random, vectors[i]);
                    ids[i] = RowId(start + i);
                }

                build.AddVectors(vectors, ids);
            }

            build.Persist();
        }

        return Open(path, durability);
    }

    /// <summary>Opens an existing benchmark store for writing in WAL mode.</summary>
    public static LodeDatabase Open(string path, Durability durability) =>
        LodeDatabase.Open(path, new LodeDbOptions
        {
            VectorDim = Dim,
            CommitMode = CommitMode.Wal,
            Durability = durability,
        });
}
