using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData;

/// <summary>Options of a <see cref="LodeSpaceCollection{TKey, TRecord}"/>: what its space is created with.</summary>
public sealed class LodeSpaceCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Creates default options.</summary>
    public LodeSpaceCollectionOptions()
    {
    }

    /// <summary>Copies <paramref name="source"/>.</summary>
    public LodeSpaceCollectionOptions(LodeSpaceCollectionOptions? source)
        : base(source)
    {
        BitWidth = source?.BitWidth;
        Rescore = source?.Rescore;
    }

    /// <summary>Bits per coordinate of the space's codes (2 or 4) when it is created; null: LodeDb's default (4).</summary>
    public int? BitWidth { get; set; }

    /// <summary>Whether the space keeps the original vectors in a sidecar for exact re-scoring, when it is created; null: none.</summary>
    public RescoreStorage? Rescore { get; set; }
}
