using Microsoft.Extensions.AI;

namespace LodeDb.Tests.Images;

/// <summary>The text side of <see cref="ColourLayoutEmbedder"/> alone: an embedder without an image side.</summary>
internal sealed class TextSideOnly(ColourLayoutEmbedder inner) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        ((IEmbeddingGenerator<string, Embedding<float>>)inner).GenerateAsync(values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? inner.GetService(serviceType, serviceKey) : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
