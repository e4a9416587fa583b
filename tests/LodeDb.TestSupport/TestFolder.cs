namespace LodeDb.TestSupport;

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
public sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lodedb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The write-ahead log the root pointer names (<c>index.g{N}.wal</c>).</summary>
    public string Wal
    {
        get
        {
            using var root = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(File("index.commit.json")));
            return File(root.RootElement.GetProperty("walFile").GetString()!);
        }
    }

    /// <summary>Copies the folder as a crash would leave it: whatever the files hold right now.</summary>
    public TestFolder CrashCopy()
    {
        var copy = new TestFolder();
        Directory.CreateDirectory(copy.Path);
        foreach (string file in Directory.GetFiles(Path))
        {
            if (System.IO.Path.GetFileName(file) == "LOCK")
            {
                continue; // held by the live writer; a crash releases it anyway
            }

            System.IO.File.Copy(file, System.IO.Path.Combine(copy.Path, System.IO.Path.GetFileName(file)));
        }

        return copy;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

public static class Vectors
{
    public static float[] Random(Random random, int dim)
    {
        var v = new float[dim];
        for (int i = 0; i < dim; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return v;
    }

    /// <summary>Exact cosine similarity, accumulated in double: the reference scores are compared with.</summary>
    public static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return (float)(dot / Math.Sqrt(na * nb));
    }
}
