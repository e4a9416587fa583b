using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData;

/// <summary>
/// A collection of <c>Dictionary&lt;string, object?&gt;</c> records described by a
/// <see cref="VectorStoreCollectionDefinition"/>: no reflection over record types, so it is the
/// form to use under NativeAOT and trimming. Keys are string or Guid (as the definition's key
/// property says), values by the definition's property types.
/// </summary>
public sealed class LodeSpaceDynamicCollection : LodeSpaceCollection<object, Dictionary<string, object?>>
{
    /// <summary>A dynamic collection in the space <paramref name="name"/> of <paramref name="root"/>; <see cref="VectorStoreCollectionOptions.Definition"/> is required.</summary>
    public LodeSpaceDynamicCollection(LodeCollection root, string name, LodeSpaceCollectionOptions options)
        : base(
            root,
            name,
            static options => new LodeModelBuilder().BuildDynamic(
                options.Definition ?? throw new ArgumentException("A dynamic collection needs a VectorStoreCollectionDefinition (options.Definition).", nameof(options)),
                options.EmbeddingGenerator),
            options ?? throw new ArgumentNullException(nameof(options)))
    {
    }
}
