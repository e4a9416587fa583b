using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx;

/// <summary>The <c>GetService</c> answer shared by the embedders of this package.</summary>
internal static class EmbedderServices
{
    /// <summary>
    /// <paramref name="metadata"/> for <see cref="EmbeddingGeneratorMetadata"/>, the model files'
    /// bytes for <see cref="ModelFootprint"/> (what the model gauges report), the embedder
    /// itself for any type it implements, null for keyed requests and anything else.
    /// </summary>
    public static object? Get(object embedder, EmbeddingGeneratorMetadata metadata, Func<ModelFootprint> footprint, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return metadata;
        }

        if (serviceType == typeof(ModelFootprint))
        {
            return footprint();
        }

        return serviceType.IsInstanceOfType(embedder) ? embedder : null;
    }
}
