using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LodeDb.VectorData;

/// <summary>
/// Options of a <see cref="LodeVectorStore"/>: its <see cref="LodeVectorStoreSettings"/> (bindable
/// from configuration) and the services it uses.
/// </summary>
public sealed class LodeVectorStoreOptions : LodeVectorStoreSettings
{
    /// <summary>Generates embeddings for vector properties that are not vectors (e.g. a string), unless a collection or property sets its own.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Where the spaces log (see <see cref="LodeDbOptions.LoggerFactory"/>); the DI registration uses the registered <see cref="ILoggerFactory"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>A shallow copy (the services are shared, not copied).</summary>
    internal LodeVectorStoreOptions Copy() => (LodeVectorStoreOptions)MemberwiseClone();
}
