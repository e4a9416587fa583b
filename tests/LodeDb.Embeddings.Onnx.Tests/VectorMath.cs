namespace LodeDb.Embeddings.Onnx.Tests;

internal static class VectorMath
{
    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    public static double Norm(float[] a) => Math.Sqrt(a.Sum(x => x * (double)x));

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.That(b, Has.Length.EqualTo(a.Length));
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - (double)b[i]));
        }

        return max;
    }
}
