using System.Globalization;
using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// The recorded identity of a folder against the options of an open: an identity option that is
/// set must match, and the folder must be of a kind and format this build can serve.
/// </summary>
internal static class IdentityCheck
{
    public static void Check(string path, StoreIdentity stored, LodeDbOptions options)
    {
        if (stored.FormatVersion > StoreIdentity.GraphFormatVersion)
        {
            throw new LodeDatabaseException($"The database at '{path}' has format version {stored.FormatVersion}; this LodeDb reads up to {StoreIdentity.GraphFormatVersion}. Upgrade LodeDb.");
        }

        if (options.Model is string model)
        {
            if (stored.Kind != "preset")
            {
                throw new IdentityMismatchException(path, "Kind", stored.Kind, "preset");
            }

            string storedPreset = PresetNameOf(stored);
            if (storedPreset != model)
            {
                throw new IdentityMismatchException(path, "Model", storedPreset, model);
            }
        }

        if (options.Embedder is not null)
        {
            if (stored.Kind != StoreIdentity.CustomKind)
            {
                throw new IdentityMismatchException(path, "Kind", stored.Kind, StoreIdentity.CustomKind);
            }

            if (stored.Model != options.ModelName)
            {
                throw new IdentityMismatchException(path, "ModelName", stored.Model, options.ModelName!);
            }

            if (EmbedderHost.MetadataDimension(options.Embedder) is int embedderDim && embedderDim != stored.Dim)
            {
                throw new IdentityMismatchException(path, "Dimension", stored.Dim.ToString(CultureInfo.InvariantCulture), embedderDim.ToString(CultureInfo.InvariantCulture));
            }

            CheckImageTask(path, stored, options.Embedder);
        }
        else if (stored.Kind == StoreIdentity.CustomKind && options.VectorDim is null && options.Model is null && !options.WithoutEmbedder)
        {
            throw new LodeDatabaseException($"The database at '{path}' is a custom-embedder index (ModelName = {stored.Model}, {stored.Dim} dimensions); open it with the same Embedder and ModelName in the options.");
        }

        if (options.StoreText is bool storeText && storeText != stored.StoreText)
        {
            throw new IdentityMismatchException(path, "StoreText", stored.StoreText ? "true" : "false", storeText ? "true" : "false");
        }

        if (options.IndexText is bool indexText && indexText != stored.IndexText)
        {
            throw new IdentityMismatchException(path, "IndexText", stored.IndexText ? "true" : "false", indexText ? "true" : "false");
        }

        if (options.VectorDim is int dim)
        {
            if (stored.Kind != StoreIdentity.VectorKind)
            {
                throw new IdentityMismatchException(path, "Kind", stored.Kind, StoreIdentity.VectorKind);
            }

            if (stored.Dim != dim)
            {
                throw new IdentityMismatchException(path, "VectorDim", stored.Dim.ToString(CultureInfo.InvariantCulture), dim.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (options.BitWidth is int bits && stored.BitWidth != bits)
        {
            throw new IdentityMismatchException(path, "BitWidth", stored.BitWidth.ToString(CultureInfo.InvariantCulture), bits.ToString(CultureInfo.InvariantCulture));
        }

        if (options.Seed is ulong seed && stored.Seed != seed)
        {
            throw new IdentityMismatchException(path, "Seed", stored.Seed.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture));
        }

        if (stored.RescoreOrNull() is not RescoreStorage storedRescore)
        {
            throw new LodeDatabaseException($"The database at '{path}' has the storage profile \"{stored.StorageProfile}\", which this LodeDb build does not know. Upgrade LodeDb.");
        }

        if (options.Rescore is RescoreStorage rescore && rescore != storedRescore)
        {
            throw new IdentityMismatchException(path, "Rescore", storedRescore.ToString(), rescore.ToString());
        }

        if (stored.Kind == StoreIdentity.PresetKind)
        {
            string preset = PresetNameOf(stored);
            if (!ModelPresetRegistry.TryGet(preset, out _, out _) || preset != preset.ToLowerInvariant())
            {
                throw ModelPresetRegistry.Providers.Count == 0 && ModelPresetRegistry.BuiltInNames.Contains(preset)
                    ? new NotSupportedException($"The database at '{path}' is a preset index of \"{preset}\" (model {stored.Model}); opening it needs the {ModelPresetRegistry.DefaultProviderPackage} package, which this app does not reference (dotnet add package {ModelPresetRegistry.DefaultProviderPackage}).")
                    : new LodeDatabaseException($"The database at '{path}' is a preset index of \"{preset}\" (model {stored.Model}), which this LodeDb build does not know; it supports the presets {string.Join(", ", ModelPresetRegistry.Names)}.");
            }
        }
        else if (stored.Kind is not (StoreIdentity.VectorKind or StoreIdentity.CustomKind))
        {
            throw new LodeDatabaseException($"The database at '{path}' is a {stored.Kind} index (model {stored.Model}); opening it needs the embedder package, which this build does not include.");
        }
    }

    /// <summary>
    /// On open: a text index refuses an embedder with an image side (it was not created for
    /// images, so its space is not known to hold them). An image+text index opened with a
    /// text-only embedder opens; its image calls then throw.
    /// </summary>
    private static void CheckImageTask(string path, StoreIdentity stored, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        if (stored.Task == StoreIdentity.TextTask && EmbedderHost.TaskFor(embedder) == StoreIdentity.ImageTextTask)
        {
            throw new IdentityMismatchException(path, "Task", StoreIdentity.TextTask, StoreIdentity.ImageTextTask);
        }
    }

    /// <summary>The preset name of a preset identity (older roots without the field: looked up by repository id).</summary>
    public static string PresetNameOf(StoreIdentity stored)
    {
        if (!string.IsNullOrEmpty(stored.Preset))
        {
            return stored.Preset;
        }

        foreach (ModelPreset preset in ModelPresetRegistry.All)
        {
            if (preset.Repository == stored.Model)
            {
                return preset.Name;
            }
        }

        return stored.Model;
    }
}
