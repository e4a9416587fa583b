using System.Globalization;

namespace LodeDb;

/// <summary>Checks caller vectors and copies them L2-normalised (so scores are cosine similarities).</summary>
internal static class VectorValidation
{
    /// <summary>2^-126, the smallest positive normal float (smaller ones are denormal).</summary>
    private const double SmallestNormalFloat = 1.1754943508222875e-38;

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

        if (!(sum > 0))
        {
            throw new ArgumentException($"Vector {row} is all zeros; it has no direction to compare by cosine similarity.", argumentName);
        }

        // Squares of finite floats cannot overflow a double; a norm below the smallest normal
        // float means zeros and denormals (a handful of significant bits each): refused rather
        // than scaled up (a float scale of 1 / 1e-44 would be +Inf).
        double norm = Math.Sqrt(sum);
        if (norm < SmallestNormalFloat)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Vector {row} has a norm of {norm:G3}, below the smallest normal float ({SmallestNormalFloat:G3}): its coordinates are zeros or denormal numbers, too imprecise to give it a direction to compare by cosine similarity. Scale it up before adding it."),
                argumentName);
        }

        double scale = 1.0 / norm;
        Span<float> target = destination.AsSpan(row * dim, dim);
        for (int i = 0; i < dim; i++)
        {
            target[i] = (float)(vector[i] * scale);
        }
    }
}
