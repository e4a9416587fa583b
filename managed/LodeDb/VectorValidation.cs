namespace LodeDb;

/// <summary>Checks caller vectors and copies them L2-normalised (so scores are cosine similarities).</summary>
internal static class VectorValidation
{
    public static void CopyNormalized(ReadOnlySpan<float> vector, int dim, float[] destination, int row, string argumentName)
    {
        if (vector.Length != dim)
        {
            throw new ArgumentException(
                vector.Length == 0
                    ? $"Vector {row} is empty; this index stores {dim}-dimensional vectors."
                    : $"Vector {row} has {vector.Length} dimensions; this index stores {dim}-dimensional vectors.",
                argumentName);
        }

        double sum = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            float x = vector[i];
            if (!float.IsFinite(x))
            {
                throw new ArgumentException($"Vector {row} has {x} at coordinate {i}; every coordinate must be a finite number.", argumentName);
            }

            sum += (double)x * x;
        }

        if (!(sum > 0) || double.IsInfinity(sum))
        {
            throw new ArgumentException($"Vector {row} {(sum > 0 ? "is too large to normalise" : "is all zeros")}; it has no direction to compare by cosine similarity.", argumentName);
        }

        float scale = (float)(1.0 / Math.Sqrt(sum));
        Span<float> target = destination.AsSpan(row * dim, dim);
        for (int i = 0; i < dim; i++)
        {
            target[i] = vector[i] * scale;
        }
    }
}
