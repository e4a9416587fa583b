using LodeDb.Tests.Images;
using Microsoft.Extensions.AI;

namespace LodeDb.Tests.Async;

/// <summary>
/// <see cref="ColourLayoutEmbedder"/> behind awaits without <c>ConfigureAwait(false)</c>, as much
/// caller code is written: each call resumes on the caller's synchronization context, so a
/// caller that blocks on it from that context deadlocks. Optionally hides its metadata, so an
/// open must probe the dimension with a real call.
/// </summary>
internal sealed class ContextBoundEmbedder(ColourLayoutEmbedder inner, bool hideMetadata = false)
    : IEmbeddingGenerator<string, Embedding<float>>, IEmbeddingGenerator<DataContent, Embedding<float>>
{
    public int Calls { get; private set; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] texts = values.ToArray();
        await Task.Yield();
        Calls++;
        return await ((IEmbeddingGenerator<string, Embedding<float>>)inner).GenerateAsync(texts, options, cancellationToken);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        DataContent[] images = values.ToArray();
        await Task.Yield();
        Calls++;
        return await ((IEmbeddingGenerator<DataContent, Embedding<float>>)inner).GenerateAsync(images, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? (hideMetadata ? null : inner.GetService(serviceType, serviceKey))
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
