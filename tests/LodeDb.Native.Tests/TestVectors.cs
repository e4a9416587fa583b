namespace LodeDb.Native.Tests;

/// <summary>Deterministic unit vectors for the tests (seeded, so a failure reproduces).</summary>
internal static class TestVectors
{
    public static float[] Normalised(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * dimension];
        for (int row = 0; row < count; row++)
        {
            Span<float> v = data.AsSpan(row * dimension, dimension);
            double norm = 0;
            for (int i = 0; i < dimension; i++)
            {
                // Sum of uniforms: roughly Gaussian, enough for well-spread directions.
                v[i] = (float)(random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5);
                norm += v[i] * v[i];
            }
            float inv = (float)(1 / Math.Sqrt(norm));
            for (int i = 0; i < dimension; i++)
            {
                v[i] *= inv;
            }
        }
        return data;
    }

    public static string TempPath(string name) =>
        Path.Combine(Path.GetTempPath(), $"lodedb-native-tests-{Environment.ProcessId}-{Guid.NewGuid():N}-{name}");
}
