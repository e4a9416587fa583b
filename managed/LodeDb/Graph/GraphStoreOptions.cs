namespace LodeDb.Graph;

/// <summary>The options of a database's graph store: the database's identity and handle settings, so the graph is pinned to the same model, dimension, bits, seed and text policy.</summary>
internal static class GraphStoreOptions
{
    public static LodeDbOptions From(LodeDatabase database)
    {
        LodeDbOptions parent = database.Options;
        StoreIdentity identity = database.Identity;
        LodeDbOptions options = parent with
        {
            VectorDim = null,
            Model = null,
            Embedder = null,
            ModelName = null,
            BitWidth = identity.BitWidth,
            Seed = identity.Seed,
            StoreText = identity.StoreText,
            IndexText = identity.IndexText,
            Rescore = identity.Rescore,
        };

        if (identity.Kind == StoreIdentity.PresetKind)
        {
            // The database's loaded model, shared (the graph handle never disposes it).
            return parent.WithoutEmbedder ? options : options with { Model = identity.Preset, SharedPresetEmbedder = database.Embedders.Embedder };
        }

        if (identity.Kind == StoreIdentity.CustomKind)
        {
            // The same embedder instance: the graph embeds exactly as the database does.
            var embedder = database.Embedders.Embedder ?? parent.Embedder;
            return embedder is null ? options : options with { Embedder = embedder, ModelName = identity.Model };
        }

        return options with { VectorDim = identity.Dim };
    }
}
