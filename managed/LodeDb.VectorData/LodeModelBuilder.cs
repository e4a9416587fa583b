using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>
/// Validates a record model against what a LodeDb space can hold: one vector per row (the row's
/// vector), a string or Guid key (the row id), data properties that become metadata values, and
/// at most one full-text property (the row's lexically indexed caption).
/// </summary>
internal sealed class LodeModelBuilder() : CollectionModelBuilder(BuildingOptions)
{
    internal const string SupportedVectorTypes = "ReadOnlyMemory<float>, Embedding<float>, float[]";

    private static readonly CollectionModelBuildingOptions BuildingOptions = new()
    {
        // A LodeDb row is one vector: a space has exactly one vector column.
        RequiresAtLeastOneVector = true,
        SupportsMultipleVectors = false,
    };

    protected override bool SupportsKeyAutoGeneration(Type keyPropertyType) => keyPropertyType == typeof(Guid);

    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        base.ValidateKeyProperty(keyProperty);
        if (keyProperty.Type != typeof(string) && keyProperty.Type != typeof(Guid))
        {
            throw new NotSupportedException($"The key property '{keyProperty.ModelName}' is a {keyProperty.Type.Name}; LodeDb keys are string or Guid (a row id is a string).");
        }
    }

    protected override void Customize()
    {
        base.Customize();
        foreach (VectorPropertyModel vector in VectorProperties)
        {
            DistanceScore.Check(vector);
            CheckIndexKind(vector);
        }

        var fullText = DataProperties.Where(p => p.IsFullTextIndexed).ToList();
        if (fullText.Count > 1)
        {
            throw new NotSupportedException($"Properties {string.Join(", ", fullText.Select(p => $"'{p.ModelName}'"))} are all full-text indexed; a LodeDb row has one lexically indexed text. Mark one property IsFullTextIndexed.");
        }

        if (fullText.Count == 1 && MetadataValues.Underlying(fullText[0].Type) != typeof(string))
        {
            throw new NotSupportedException($"The full-text property '{fullText[0].ModelName}' is a {fullText[0].Type.Name}; full-text search indexes a string property.");
        }

        foreach (PropertyModel property in Properties)
        {
            if (property.StorageName.StartsWith('$'))
            {
                throw new NotSupportedException($"The storage name '{property.StorageName}' of '{property.ModelName}' starts with '$', which LodeDb reserves for filter operators.");
            }
        }
    }

    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = MetadataValues.SupportedTypes;
        return MetadataValues.IsSupported(type);
    }

    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes) =>
        IsNativeVectorType(type, out supportedTypes);

    /// <summary>True for the vector types stored as given (no embedding generation).</summary>
    internal static bool IsNativeVectorType(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = SupportedVectorTypes;
        return type == typeof(ReadOnlyMemory<float>)
            || type == typeof(ReadOnlyMemory<float>?)
            || type == typeof(Embedding<float>)
            || type == typeof(float[]);
    }

    private static void CheckIndexKind(VectorPropertyModel vector)
    {
        // Every search scans all (filtered) rows' packed codes: a flat, quantized index.
        if (vector.IndexKind is not (null or IndexKind.Flat or IndexKind.QuantizedFlat))
        {
            throw new NotSupportedException($"Index kind '{vector.IndexKind}' of '{vector.ModelName}' is not supported: LodeDb scans the quantized codes of every row (IndexKind.Flat or IndexKind.QuantizedFlat, or leave it unset).");
        }
    }
}
