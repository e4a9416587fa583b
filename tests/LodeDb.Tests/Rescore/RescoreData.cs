namespace LodeDb.Tests;

/// <summary>Clustered test vectors and the exact (brute-force cosine) ranking the sidecar tests compare against.</summary>
internal static class RescoreData
{
    /// <summary><paramref name="count"/> vectors around <paramref name="clusters"/> random centres (Gaussian noise of <paramref name="noise"/> per coordinate, the centres' being 1).</summary>
    public static float[][] Clustered(int seed, int count, int dim, int clusters = 30, float noise = 0.35f)
    {
        var random = new Random(seed);
        float[][] centres = Enumerable.Range(0, clusters).Select(_ => Gaussian(random, dim, 1f)).ToArray();
        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            float[] centre = centres[random.Next(clusters)];
            float[] offset = Gaussian(random, dim, noise);
            vectors[i] = centre.Zip(offset, (c, n) => c + n).ToArray();
        }

        return vectors;
    }

    public static float[] Normalized(float[] vector)
    {
        double norm = Math.Sqrt(vector.Sum(x => (double)x * x));
        return vector.Select(x => (float)(x / norm)).ToArray();
    }

    /// <summary>Indexes of the <paramref name="k"/> most similar vectors (cosine), best first, among the allowed ones.</summary>
    public static int[] ExactTop(float[][] vectors, float[] query, int k, Func<int, bool>? allowed = null)
    {
        float[] q = Normalized(query);
        var scored = new List<(double Score, int Index)>(vectors.Length);
        for (int i = 0; i < vectors.Length; i++)
        {
            if (allowed is not null && !allowed(i))
            {
                continue;
            }

            double dot = 0, norm = 0;
            float[] v = vectors[i];
            for (int j = 0; j < v.Length; j++)
            {
                dot += (double)v[j] * q[j];
                norm += (double)v[j] * v[j];
            }

            scored.Add((dot / Math.Sqrt(norm), i));
        }

        scored.Sort((a, b) => b.Score.CompareTo(a.Score));
        return scored.Take(k).Select(s => s.Index).ToArray();
    }

    /// <summary>Mean recall@k of <paramref name="found"/> (ids "v{i}") against the exact top k (<paramref name="truth"/>).</summary>
    public static double Recall(int[][] truth, IReadOnlyList<IReadOnlyList<SearchHit>> found, int k)
    {
        double sum = 0;
        for (int q = 0; q < truth.Length; q++)
        {
            var expected = truth[q].Take(k).Select(i => $"v{i}").ToHashSet();
            sum += found[q].Count(hit => expected.Contains(hit.Id)) / (double)k;
        }

        return sum / truth.Length;
    }

    private static float[] Gaussian(Random random, int dim, float sigma)
    {
        var v = new float[dim];
        for (int i = 0; i < dim; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            v[i] = (float)(sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return v;
    }
}
