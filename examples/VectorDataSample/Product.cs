using Microsoft.Extensions.VectorData;

namespace VectorDataSample;

/// <summary>A catalogue entry: plain MEVD attributes, nothing connector-specific.</summary>
public sealed class Product
{
    [VectorStoreKey]
    public string Sku { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = "";

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Description { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public double Price { get; set; }

    [VectorStoreData]
    public string[] Tags { get; set; } = [];

    /// <summary>The text to embed: the store's embedding generator turns it into the vector.</summary>
    [VectorStoreVector(32, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public string? Embedding { get; set; }
}
