using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>
/// LodeDb L2-normalises every stored and query vector and ranks by cosine similarity. The
/// distance functions it can report: cosine similarity (the default), cosine distance (1 - cosine,
/// lower is better) and dot-product similarity (equal to cosine on the normalised vectors, so
/// exact for unit-length embeddings, which is what embedding models emit).
/// </summary>
internal static class DistanceScore
{
    public const string Supported = "DistanceFunction.CosineSimilarity (the default), DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity";

    public static void Check(VectorPropertyModel vector)
    {
        if (vector.DistanceFunction is not (null or DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance or DistanceFunction.DotProductSimilarity))
        {
            throw new NotSupportedException($"Distance function '{vector.DistanceFunction}' of '{vector.ModelName}' is not supported: LodeDb normalises vectors and ranks by cosine. Supported: {Supported}.");
        }
    }

    /// <summary>True when a higher score is a better match.</summary>
    public static bool HigherIsBetter(VectorPropertyModel vector) => vector.DistanceFunction != DistanceFunction.CosineDistance;

    /// <summary>The score a hit reports, from LodeDb's cosine similarity.</summary>
    public static double FromCosine(VectorPropertyModel vector, float cosine) =>
        vector.DistanceFunction == DistanceFunction.CosineDistance ? 1.0 - cosine : cosine;

    /// <summary>Whether a score passes <c>ScoreThreshold</c> (at least it, or at most it for a distance).</summary>
    public static bool Passes(VectorPropertyModel vector, double score, double? threshold) =>
        threshold is not double limit || (HigherIsBetter(vector) ? score >= limit : score <= limit);
}
