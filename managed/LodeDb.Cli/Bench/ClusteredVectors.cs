namespace LodeDb.Cli.Bench;

/// <summary>
/// Unit vectors drawn around a few random centres, like embeddings of documents on a handful of
/// topics: uniform random vectors in high dimension are all nearly orthogonal, which makes
/// neighbours meaningless and recall numbers flattering or random.
/// </summary>
internal sealed class ClusteredVectors
{
    private readonly Random _random;
    private readonly float[][] _centres;
    private readonly int _dimension;

    /// <summary>Noise scale relative to a centre (both have norm about 1 before normalising).</summary>
    private const float Spread = 0.6f;

    public ClusteredVectors(int dimension, int clusters, int seed)
    {
        _dimension = dimension;
        _random = new Random(seed);
        _centres = new float[clusters][];
        for (int c = 0; c < clusters; c++)
        {
            _centres[c] = Gaussian(1f);
            Normalize(_centres[c]);
        }
    }

    /// <summary>A new unit vector near a random centre.</summary>
    public float[] Next()
    {
        float[] centre = _centres[_random.Next(_centres.Length)];
        float[] noise = Gaussian(Spread / MathF.Sqrt(_dimension));
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] += centre[i];
        }

        Normalize(noise);
        return noise;
    }

    private float[] Gaussian(float scale)
    {
        var values = new float[_dimension];
        for (int i = 0; i < values.Length; i++)
        {
            // Box-Muller: two uniforms give one standard normal.
            double u1 = 1.0 - _random.NextDouble();
            double u2 = _random.NextDouble();
            values[i] = scale * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return values;
    }

    private static void Normalize(float[] vector)
    {
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
    }
}
