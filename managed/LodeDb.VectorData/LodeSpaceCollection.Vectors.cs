using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>
/// IncludeVectors: a record's vector comes from the space's re-score sidecar
/// (<see cref="LodeDatabase.GetVectors"/>): the normalised vector at float16 or int8 precision,
/// not the vector as given. Without a sidecar the space keeps only 2- or 4-bit codes.
/// </summary>
public partial class LodeSpaceCollection<TKey, TRecord>
{
    /// <summary>
    /// Whether records come back with their vector; throws when asked for one the space cannot
    /// give (no sidecar, or a vector property that is the embedding generator's input).
    /// </summary>
    private bool WantVectors(bool includeVectors)
    {
        if (!includeVectors)
        {
            return false;
        }

        VectorPropertyModel property = _model.VectorProperty;
        if (!IsVectorType(property.Type))
        {
            throw new NotSupportedException(
                $"IncludeVectors is not supported for the vector property '{property.ModelName}' of type {property.Type.Name}: it is the embedding generator's input, " +
                "and LodeDb keeps neither that input nor a way to turn the stored embedding back into it. Search with IncludeVectors = false, " +
                $"or use a property of type {LodeModelBuilder.SupportedVectorTypes} (with a re-score sidecar) to read vectors back.");
        }

        if (Run("Get", Space).Rescore == RescoreStorage.None)
        {
            throw new NotSupportedException(
                $"IncludeVectors is not supported by the collection '{Name}': its space keeps only 2- or 4-bit codes of each normalised vector. " +
                "Create the collection with a re-score sidecar (LodeVectorStoreOptions.Rescore = RescoreStorage.Float16 or Int8) to read vectors back " +
                "(the normalised vector at that precision), or search with IncludeVectors = false.");
        }

        return true;
    }

    /// <summary>
    /// The record of a row; with <paramref name="withVector"/> its data and vector are read again
    /// together (<see cref="LodeDatabase.GetWithVectors"/>), so a row replaced after it was found
    /// comes back whole in its current version, never old data with the new vector; null when it
    /// was removed after it was found (as if the removal came first).
    /// </summary>
    private TRecord? ToRecord(string id, IReadOnlyDictionary<string, object?> metadata, bool withVector)
    {
        if (!withVector)
        {
            return _mapper.ToRecord(id, metadata);
        }

        if (Run("Get", () => Space().GetWithVectors(id)) is not var (current, vectors))
        {
            return null;
        }

        TRecord record = _mapper.ToRecord(id, current.Metadata);

        VectorPropertyModel property = _model.VectorProperty;
        float[] vector = vectors[0]; // a vector space has one row per id
        object value = property.Type == typeof(float[]) ? vector
            : property.Type == typeof(Embedding<float>) ? new Embedding<float>(vector)
            : new ReadOnlyMemory<float>(vector);
        property.SetValueAsObject(record, value);
        return record;
    }

    private static bool IsVectorType(Type type) =>
        type == typeof(ReadOnlyMemory<float>) || type == typeof(ReadOnlyMemory<float>?) || type == typeof(float[]) || type == typeof(Embedding<float>);
}
