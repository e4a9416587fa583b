using System.Text;

namespace LodeDb;

/// <summary>The deterministic rows the crash writer stores, so the test can check each one.</summary>
public static class CrashVectors
{
    public const int Dimension = 32;

    /// <summary>A vector derived from the id alone.</summary>
    public static float[] For(string id)
    {
        var random = new Random(Hash(id));
        var vector = new float[Dimension];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return vector;
    }

    /// <summary>
    /// Operation i of a writer run: every 7th (from 3) a 3-row batch, every 11th (from 10) a remove
    /// of the row added just before, otherwise a single add.
    /// </summary>
    public static (string Kind, string[] Ids) Op(string run, int i)
    {
        string id = $"{run}-{i}";
        if (i % 7 == 3)
        {
            return ("batch", [id + "a", id + "b", id + "c"]);
        }

        return i % 11 == 10 ? ("del", [$"{run}-{i - 1}"]) : ("add", [id]);
    }

    /// <summary>Metadata that names its own row (a half-applied write would mismatch).</summary>
    public static Dictionary<string, object?> Metadata(string id, string? batch) => new()
    {
        ["id"] = id,
        ["batch"] = batch,
        ["len"] = id.Length,
    };

    private static int Hash(string id)
    {
        uint h = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(id))
        {
            h = (h ^ b) * 16777619;
        }

        return (int)h;
    }
}
